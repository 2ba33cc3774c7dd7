"""The registry of approved message templates (content/whatsapp_templates.yml, ``WHATSAPP_TEMPLATES``).

Outside the 24-hour customer-service window only a template Meta approved may be sent. A template is
registered here under a name of ours with Meta's name, its language code and the names of its body parameters
(``{{1}}``, ``{{2}}`` … in Meta's text, in that order); :meth:`Templates.body` checks the parameters and builds
the message. The broadcast work uses it; the channel uses nothing but this file to know what it may send.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

import yaml

from .render import template_body


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    key: str
    name: str                     # the name Meta approved
    language: str                 # e.g. "id"
    parameters: Tuple[str, ...]   # names of the body parameters {{1}}, {{2}}, ...
    category: str = "utility"
    description: str = ""


class Templates:
    def __init__(self, templates: Mapping[str, Template]):
        self.by_key = dict(templates)

    @classmethod
    def load(cls, path: Path) -> Templates:
        """The registry in ``path``; a missing file is an empty registry, a malformed one an error."""
        if not Path(path).exists():
            return cls({})
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        items = data.get("templates") or {}
        if not isinstance(items, dict):
            raise TemplateError(f"{path}: 'templates' must be a mapping")
        out = {}
        for key, t in items.items():
            if not isinstance(t, dict) or not t.get("name") or not t.get("language"):
                raise TemplateError(f"{path}: template {key!r} needs 'name' and 'language'")
            params = t.get("parameters") or []
            if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
                raise TemplateError(f"{path}: template {key!r}: 'parameters' must be a list of names")
            out[str(key)] = Template(str(key), str(t["name"]), str(t["language"]), tuple(params),
                                     str(t.get("category") or "utility"), str(t.get("description") or ""))
        return cls(out)

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def get(self, key: str) -> Template:
        try:
            return self.by_key[key]
        except KeyError:
            raise TemplateError(f"no template {key!r} in the registry") from None

    def body(self, to: str, key: str, values: Mapping[str, Any]) -> Dict[str, Any]:
        """The message body of template ``key`` for ``to`` with its parameters from ``values`` (all required)."""
        t = self.get(key)
        missing = [p for p in t.parameters if values.get(p) in (None, "")]
        if missing:
            raise TemplateError(f"template {key!r}: missing parameter(s) {', '.join(missing)}")
        return template_body(to, t.name, t.language, [str(values[p]) for p in t.parameters])
