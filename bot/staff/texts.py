"""What the staff tools say (plain, friendly Indonesian). HTML-ready texts are marked; others are plain."""
from __future__ import annotations

from bot.telegram.texts import BUTTON_EXPIRED

STATUS_LABELS = {
    "new": "Baru",
    "contacted": "Sudah dihubungi",
    "registered": "Terdaftar",
    "unreachable": "Tidak bisa dihubungi",
    "not_interested": "Tidak berminat",
    "sponsored": "Disponsori (GN Lingkaran)",
}
#: Short words staff may type in filters, per status.
STATUS_WORDS = {
    "new": ("new", "baru"),
    "contacted": ("contacted", "dihubungi", "kontak"),
    "registered": ("registered", "terdaftar", "daftar"),
    "unreachable": ("unreachable", "takterjangkau", "tidakbisa", "gagal"),
    "not_interested": ("not_interested", "tidakberminat", "tolak", "menolak"),
    "sponsored": ("sponsored", "disponsori", "sponsor"),
}
TYPE_LABELS = {
    "enrolment": "Pendaftaran",
    "sponsorship_request": "Minta sponsor (GN Lingkaran)",
    "sponsor_offer": "Tawaran sponsor (GN Lingkaran)",
}
TYPE_WORDS = {
    "enrolment": ("enrolment", "daftar", "pendaftaran"),
    "sponsorship_request": ("sponsorship_request", "minta", "mintasponsor", "permintaan"),
    "sponsor_offer": ("sponsor_offer", "tawaran", "donatur", "penawaran"),
}
#: What the person wants help with (``leads.purpose``; keys = lingkar.store.LEAD_PURPOSES).
PURPOSE_LABELS = {
    "registration": "Daftar jadi peserta",
    "heir_claim": "Klaim untuk ahli waris",
    "reactivation": "Aktifkan lagi (tunggakan)",
    "employer_not_registering": "Perusahaan tidak mendaftarkan",
    "sponsorship": "GN Lingkaran (sponsor iuran)",
    "agent": "Jadi Agen Perisai",
    "other": "Lainnya",
}
#: Words staff may type in /leads after "perlu:" for a purpose (the bare words need no prefix).
PURPOSE_WORDS = {
    "registration": ("registration", "daftar", "pendaftaran"),
    "heir_claim": ("heir_claim", "ahliwaris", "waris", "klaim"),
    "reactivation": ("reactivation", "tunggakan", "aktifkan", "aktif"),
    "employer_not_registering": ("employer_not_registering", "perusahaan", "majikan", "pemberikerja"),
    "sponsorship": ("sponsorship", "sponsor", "gn", "lingkaran"),
    "agent": ("agent", "agen", "perisai"),
    "other": ("other", "lain", "lainnya"),
}
#: Purpose words that need no "perlu:" prefix in /leads (they mean nothing else there).
PURPOSE_BARE_WORDS = ("ahliwaris", "tunggakan", "pemberikerja")
#: The channel a lead, request or chat came through (``leads.channel``: the owner's channel).
CHANNEL_LABELS = {"telegram": "Telegram", "whatsapp": "WhatsApp"}
#: Words staff may type in /leads for a channel.
CHANNEL_WORDS = {"telegram": ("telegram", "tg"), "whatsapp": ("whatsapp", "wa")}
#: Answers to "Dari mana Anda tahu Lingkar?" (lingkar.store.SOURCES), as the dashboard's funnel shows them.
SOURCE_LABELS = {"agent": "Agen", "friend_family": "Teman/keluarga", "bpjs_office": "Kantor BPJS",
                 "social_media": "Media sosial", "other": "Lainnya"}
DONOR_LABELS = {
    "csr": "CSR perusahaan", "company": "perusahaan", "family": "keluarga", "employer": "pemberi kerja",
    "individual": "perorangan", "government": "pemerintah", "other": "lainnya",
}
AGENT_STATUS_LABELS = {
    "applied": "Menunggu keputusan",
    "approved": "Aktif",
    "rejected": "Ditolak",
    "inactive": "Nonaktif",
}
CATEGORY_LABELS = {
    "pu": "PU (penerima upah)",
    "bpu": "BPU (bukan penerima upah)",
    "jakon": "Jasa konstruksi",
    "construction": "Jasa konstruksi",
    "pmi": "Pekerja migran (PMI)",
    "migrant": "Pekerja migran (PMI)",
}
PROGRAMME_STATE_LABELS = {
    "mandatory": "wajib", "required": "wajib", "wajib": "wajib",
    "optional": "pilihan", "opsional": "pilihan", "pilihan": "pilihan",
    "not_available": "tidak tersedia", "unavailable": "tidak tersedia", "no": "tidak tersedia",
}

# Buttons under a lead card: (status, label).
STATUS_BUTTONS = (
    ("contacted", "📞 Dihubungi"),
    ("registered", "✅ Terdaftar"),
    ("unreachable", "📵 Tak terjangkau"),
    ("not_interested", "🚫 Tidak berminat"),
    ("sponsored", "🤝 Disponsori"),
)
CLAIM_BUTTON = "🙋 Saya tangani"
NOTE_BUTTON = "📝 Catatan"
HISTORY_BUTTON = "🕘 Riwayat"
APPROVE_BUTTON = "✅ Setujui"
REJECT_BUTTON = "✖️ Tolak"
HANDOFF_DONE_BUTTON = "✔️ Sudah ditangani"

# Neutral answers for people whose role (or place) does not allow an action (they learn nothing about it):
# a staff button pressed by someone else, or elsewhere, gets what any unknown button gets.
NOT_ALLOWED_BUTTON = BUTTON_EXPIRED
NOT_FOUND = "Data itu tidak ditemukan (mungkin sudah dihapus oleh pemiliknya)."

CLAIMED_BY_OTHER = "Lead ini sudah ditangani {who}. Hubungi beliau dulu sebelum mengambil alih."
CLAIMED = "Lead #{id} sekarang Anda tangani."
STATUS_SET = "Status lead #{id}: {status}."
NOTE_PROMPT = "{mention}, balas pesan ini dengan catatan untuk Lead #{id}."
NOTE_PLACEHOLDER = "Catatan untuk lead #{id}"
NOTE_SAVED = "📝 Catatan untuk Lead #{id} tersimpan."
NOTE_EMPTY = "Catatannya kosong. Balas pesan tadi dengan teks catatan, ya."
NOTE_USAGE = (
    "Cara menulis catatan: /catat <nomor lead> <catatan>, "
    "misalnya /catat 12 sudah ditelepon, minta dihubungi sore."
)

LEADS_USAGE = (
    "Cara memakai /leads (semua filter boleh digabung):\n"
    "• /leads — lead terbuka (baru dan sudah dihubungi)\n"
    "• /leads baru — menurut status: baru, dihubungi, terdaftar, gagal, tolak, sponsor, semua\n"
    "• /leads kolaka — menurut kabupaten/kota\n"
    "• /leads agen:K7M2QX — dari link agen\n"
    "• /leads wa — menurut kanal: wa (WhatsApp), tg (Telegram)\n"
    "• /leads 48j — dibuat lebih dari 48 jam lalu (juga 3h untuk 3 hari)\n"
    "• /leads tawaran — jenis: daftar, minta (sponsor), tawaran (sponsor)\n"
    "• /leads perlu:ahliwaris — keperluan: daftar, ahliwaris, tunggakan, perusahaan, sponsor, agen, lain"
)
LEADS_NONE = "Tidak ada lead yang cocok dengan filter itu."
LEADS_HEADER = "{n} lead{filters}:"
LEADS_MORE = "… dan {n} lainnya. Persempit filternya atau buka /dasbor."
LEAD_USAGE = "Tulis nomornya, misalnya /lead 12, atau nomor yang diterima pekerja, misalnya /lead LK-7K2M9Q."

REMINDER_HEADER = "⏰ {n} lead belum disentuh lebih dari {hours} jam. Mohon ditindaklanjuti:"
REMINDER_MORE = "… dan {n} lainnya (lihat /leads atau dasbor)."

GN_HEADER = "🤝 GN Lingkaran: tawaran dan permintaan sponsor yang masih terbuka"
GN_NONE = "Belum ada tawaran atau permintaan sponsor yang terbuka."
GN_OFFERS = "Tawaran sponsor"
GN_REQUESTS = "Permintaan sponsor"
GN_MATCH_HINT_OFFERS = "🤝 Ada {n} tawaran sponsor terbuka di {regency} — cek /sponsor untuk mencocokkan."
GN_MATCH_HINT_REQUESTS = "🤝 Ada {n} permintaan sponsor terbuka di {regency} — cek /sponsor untuk mencocokkan."

DASHBOARD_LINK = (
    "🔐 Tautan masuk dasbor (sekali pakai, berlaku {minutes} menit):\n{url}\n\n"
    "Jangan teruskan tautan ini ke orang lain."
)
DASHBOARD_PRIVATE_ONLY = (
    "Demi keamanan, tautan dasbor hanya saya kirim lewat chat pribadi. "
    "Kirim /dasbor di chat pribadi dengan saya."
)

OWN_APPLICATION = ("Lamaran agen Anda sendiri tidak bisa Anda putuskan. "
                   "Minta petugas lain atau admin yang memutuskannya.")

HANDOFF_DONE = "Permintaan #{id} ditandai sudah ditangani oleh {who}."

STAFF_USAGE = (
    "Kelola petugas (khusus admin):\n"
    "• /staf — daftar petugas\n"
    "• /staf tambah <id Telegram> [admin] <nama> — tambah petugas\n"
    "• /staf nonaktif <id Telegram> — cabut akses\n"
    "ID Telegram seseorang bisa dilihat dengan perintah /idsaya."
)
STAFF_ADDED = "Petugas {name} ({id}) ditambahkan sebagai {role}."
STAFF_DEACTIVATED = "Akses petugas {id} dicabut."
STAFF_SELF = "Anda tidak bisa mencabut akses Anda sendiri."
MY_ID = "ID Telegram Anda: {id}"

PEMDA_USAGE = (
    "Akses Pemda (khusus admin): petugas Pemda melihat angka gabungan satu kabupaten/kota di dasbor, "
    "tanpa data pribadi, dan mencatat perkiraan jumlah pekerja mereka.\n"
    "• /pemda <id Telegram> <kabupaten/kota> [;nama] — beri akses\n"
    "  (contoh: /pemda 123456789 Kolaka ;Disnaker Kolaka)\n"
    "• /staf nonaktif <id Telegram> — cabut akses\n"
    "Petugas Pemda lalu mengirim /dasbor ke bot di chat pribadi untuk masuk."
)
PEMDA_ADDED = "{name} ({id}) sekarang punya akses Pemda untuk {regency}. Minta dia mengirim /dasbor ke bot."
PEMDA_UNKNOWN_REGENCY = "Kabupaten/kota \"{text}\" tidak saya kenali.{hint}"
PEMDA_SELF = "Anda tidak bisa mengubah akses Anda sendiri menjadi akses Pemda."

LEAD_UPDATED = "✏️ Lead #{id} diperbarui oleh pemiliknya (bagian: {fields})."
FIELD_LABELS = {
    "name": "nama", "phone": "nomor HP", "nik": "NIK", "regency": "kabupaten/kota", "occupation": "pekerjaan",
    "sector": "sektor", "age": "umur", "income": "penghasilan", "contact_time": "waktu dihubungi",
    "eligibility": "hasil cek", "note": "catatan", "referral": "agen", "sponsor_organisation": "organisasi",
    "sponsor_workers": "jumlah pekerja", "sponsor_regency": "wilayah sponsor", "donor_kind": "jenis donatur",
    "consent_version": "persetujuan",
}
