{{/* Names and labels. */}}
{{- define "lingkar.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "lingkar.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "rasa") */}}
{{- define "lingkar.selector" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lingkar.image" -}}
{{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}
{{- end -}}

{{/* One variable from the external Secret: (dict "ctx" $ "key" "REDIS_URL" "optional" false) */}}
{{- define "lingkar.secretEnv" -}}
- name: {{ .key }}
  valueFrom:
    secretKeyRef:
      name: {{ .ctx.Values.existingSecret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* Settings every Lingkar process reads. */}}
{{- define "lingkar.baseEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: LINGKAR_TIMEZONE
  value: {{ .Values.config.timezone | quote }}
{{- end -}}

{{/* ... plus Redis, for the processes that keep conversation state (rasa, actions, adapter). */}}
{{- define "lingkar.redisEnv" -}}
{{ include "lingkar.secretEnv" (dict "ctx" . "key" "REDIS_URL") }}
- name: REDIS_PREFIX
  value: {{ .Values.config.redisPrefix | quote }}
{{- end -}}

{{/* The lead store, for every process that opens it (not Rasa). */}}
{{- define "lingkar.storeEnv" -}}
{{ include "lingkar.secretEnv" (dict "ctx" . "key" "DATABASE_URL") }}
{{ include "lingkar.secretEnv" (dict "ctx" . "key" "LINGKAR_METRICS_SALT" "optional" true) }}
{{- end -}}

{{/* The staff and agent features (adapter, dashboard, notifier). */}}
{{- define "lingkar.staffEnv" -}}
- name: STAFF_ADMIN_TELEGRAM_ID
  value: {{ .Values.config.staffAdminTelegramId | quote }}
- name: TELEGRAM_BOT_USERNAME
  value: {{ .Values.config.telegramBotUsername | quote }}
- name: STAFF_STALE_HOURS
  value: {{ .Values.config.staffStaleHours | quote }}
{{- end -}}

{{/* Writable directories under a read-only root file system. */}}
{{- define "lingkar.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: var
  mountPath: /app/var
- name: rasa-home
  mountPath: /app/.rasa
- name: home
  mountPath: /home/lingkar
{{- end -}}

{{- define "lingkar.volumes" -}}
- name: tmp
  emptyDir: {}
- name: var
  emptyDir: {}
- name: rasa-home
  emptyDir: {}
- name: home
  emptyDir: {}
{{- end -}}

{{/* Pod-level settings shared by every workload: (dict "ctx" $ "part" .Values.rasa) */}}
{{- define "lingkar.podSpecCommon" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .ctx.Values.podSecurityContext | nindent 2 }}
{{- with .part.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .part.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .part.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Spread replicas of one component over nodes (soft). */}}
{{- define "lingkar.spread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "lingkar.selector" . | nindent 8 }}
{{- end -}}

{{/* The bot's public host and webhook path, from config.telegramWebhookUrl. */}}
{{- define "lingkar.botHost" -}}
{{- (urlParse .Values.config.telegramWebhookUrl).host -}}
{{- end -}}
{{- define "lingkar.webhookPath" -}}
{{- $p := (urlParse .Values.config.telegramWebhookUrl).path -}}
{{- if or (not $p) (eq $p "/") -}}
{{- fail "config.telegramWebhookUrl needs a path (a random one): the Ingress publishes only that path of the bot" -}}
{{- end -}}
{{- $p -}}
{{- end -}}
{{- define "lingkar.dashboardHost" -}}
{{- (urlParse .Values.config.dashboardBaseUrl).host -}}
{{- end -}}

{{/* Labels of a component's pods: its selector labels plus the version. (dict "ctx" $ "component" "rasa") */}}
{{- define "lingkar.podLabels" -}}
{{ include "lingkar.selector" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
{{- end -}}
