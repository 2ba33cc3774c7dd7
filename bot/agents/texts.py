"""What the bot says to (future) Agen Perisai: the application, the link kit, /statistik. Plain Indonesian.

Plain strings are escaped before sending; functions returning HTML say so.
"""
from __future__ import annotations

import datetime as dt
import html

from bot.telegram.render import CAPTION_LIMIT, utf16_len
from lingkar.facts import format_month, format_number

CONSENT_VERSION = "agen-2026-11"

COMMANDS = {
    "agen": "Daftar jadi Agen Perisai",
    "statistik": "Hasil link agen saya",
    "tautan": "Link dan kode QR agen saya",
}

INTRO = (
    "🛡️ *Daftar jadi Agen Perisai*\n"
    "Agen Perisai membantu pekerja di sekitarnya mengenal dan mendaftar BPJS Ketenagakerjaan. "
    "Setelah disetujui petugas, Anda mendapat link pribadi dan kode QR untuk dibagikan.\n\n"
    "Saya akan menanyakan 4 hal: nama, komunitas/organisasi, kabupaten/kota, dan nomor HP. "
    "Ketik *batal* kapan saja untuk berhenti.\n\n"
    "Pertama: siapa nama lengkap Anda?"
)
ASK_ORGANISATION = (
    "Terima kasih, {name}. Anda aktif di komunitas atau organisasi apa? "
    "(misalnya kelompok tani, koperasi nelayan, paguyuban ojek, majelis taklim). "
    "Ketik *tidak ada* kalau belum ada."
)
ASK_REGENCY = "Anda tinggal dan bergerak di kabupaten/kota mana di Sulawesi Tenggara?"
REGENCY_UNKNOWN = "Maaf, saya belum mengenali \"{text}\" sebagai kabupaten/kota di Sultra."
REGENCY_SUGGEST = " Maksudnya {options}? Ketik nama yang benar, ya."
REGENCY_HINT = " Ketik nama kabupaten/kotanya, misalnya \"Kendari\", \"Konawe Selatan\" atau \"Baubau\"."
ASK_PHONE = (
    "Nomor HP (WhatsApp) Anda berapa? Ketuk tombol \"Bagikan nomor HP\" di bawah, atau ketik nomornya, "
    "misalnya 0812 3456 7890."
)
CONTACT_NOT_OWN = (
    "Maaf, saya hanya bisa menerima nomor HP Anda sendiri. "
    "Ketuk tombol \"Bagikan nomor HP\" atau ketik nomornya."
)
CONSENT = (
    "Terakhir, izin menyimpan data Anda:\n"
    "• *Untuk apa:* mendaftarkan Anda sebagai Agen Perisai dan menghubungi Anda tentang keagenan.\n"
    "• *Siapa yang melihat:* petugas BPJS Ketenagakerjaan Cabang Kendari.\n"
    "• *Berapa lama:* selama Anda menjadi agen, sampai Anda minta dihapus.\n"
    "• *Menghapus:* kapan saja, ketik /hapusdata.\n"
    "(UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi)\n\n"
    "Ringkasan data Anda:\n{summary}\n\n"
    "Apakah Anda setuju data ini disimpan?"
)
CONSENT_YES = "✅ Setuju, kirim lamaran"
CONSENT_NO = "✖️ Tidak, batalkan"
CONSENT_AGAIN = "Ketuk salah satu tombol di atas: setuju atau batalkan. Atau ketik *ya* / *tidak*."
SUBMITTED = (
    "Terima kasih! 🙏 Lamaran Anda sudah kami terima dan akan ditinjau petugas. "
    "Kalau disetujui, saya kirimkan link pribadi dan kode QR Anda di chat ini."
)
REFUSED = "Baik, lamaran dibatalkan dan data Anda tidak disimpan. Ketik /agen kalau berubah pikiran."
CANCELLED = "Baik, pendaftaran agen dibatalkan. Tidak ada data yang disimpan."
UNSUBSCRIBED = "Langganan kabar Lingkar Anda juga sudah dihentikan. Ketik \"langganan\" untuk berlangganan lagi."
NOTHING_TO_CANCEL = "Tidak ada yang sedang berjalan untuk dibatalkan. Ketik /menu untuk melihat pilihan."
ALREADY_AGENT = (
    "Anda sudah terdaftar sebagai Agen Perisai (kode {code}). 🛡️\n"
    "Ketik /tautan untuk link dan kode QR Anda, atau /statistik untuk melihat hasilnya."
)
PENDING = "Lamaran Anda sudah kami terima dan sedang ditinjau petugas. Mohon ditunggu, ya. 🙏"
COOL_DOWN = (
    "Lamaran Anda sebelumnya belum bisa kami setujui. Anda boleh mendaftar lagi mulai {date}. "
    "Sampai saat itu, Anda tetap bisa bertanya apa saja tentang BPJS Ketenagakerjaan di sini. 🙏"
)
FAILED = "Maaf, lamaran belum bisa disimpan karena gangguan sistem. Silakan coba /agen lagi beberapa saat lagi. 🙏"
NOT_AGENT = (
    "Perintah ini khusus untuk Agen Perisai yang sudah disetujui. "
    "Ingin menjadi agen? Ketik /agen untuk mendaftar."
)
REJECTED = (
    "Terima kasih atas minat Anda menjadi Agen Perisai. Untuk saat ini lamaran Anda belum bisa kami setujui. "
    "Untuk informasi lebih lanjut, silakan hubungi kantor BPJS Ketenagakerjaan Cabang Kendari. 🙏"
)
DEACTIVATED = (
    "Keagenan Perisai Anda saat ini dinonaktifkan oleh petugas, jadi link agen Anda tidak lagi mencatat hasil. "
    "Silakan hubungi kantor BPJS Ketenagakerjaan Cabang Kendari kalau ada pertanyaan."
)
KIT_SENDING = "Sebentar, saya siapkan link dan kode QR Anda…"

YES_WORDS = {"ya", "iya", "y", "yes", "setuju", "ok", "oke", "boleh", "siap"}
NO_WORDS = {"tidak", "tdk", "gak", "ga", "nggak", "no", "enggak", "tolak", "tidak setuju"}
CANCEL_WORDS = {"batal", "batalkan", "cancel", "stop", "berhenti", "/batal"}
NONE_WORDS = {"tidak ada", "tdk ada", "ga ada", "gak ada", "nggak ada", "belum ada", "-", "tidak", "belum", "none"}


def kit_caption(link: str, code: str, name: str | None, welcome: bool = False,
                whatsapp: str | None = None) -> str:
    """Caption of the QR photo (HTML, within Telegram's 1024 UTF-16 units: a name too long for it is left out).
    With ``whatsapp`` (the agent's wa.me link) both links are given; the photo is then the Telegram QR code and
    the WhatsApp one and the poster follow."""
    e = lambda s: html.escape(str(s), quote=False)  # noqa: E731
    head = f"🎉 Selamat{', ' + e(name) if name else ''}! Anda sekarang <b>Agen Perisai</b>.\n\n" if welcome else ""
    if whatsapp:
        links = (f"🔗 Link WhatsApp Anda:\n{e(whatsapp)}\n\n🔗 Link Telegram Anda:\n{e(link)}\n\n"
                 "Bagikan link ini atau cetak kode QR-nya (kode QR WhatsApp dan poster siap cetak menyusul). "
                 "Setiap pekerja yang mulai chat lewat link atau QR Anda, atau menulis kode agen Anda di pesan "
                 "pertamanya, tercatat sebagai hasil Anda.\n")
    else:
        links = (f"🔗 Link pribadi Anda:\n{e(link)}\n\n"
                 "Bagikan link ini atau cetak kode QR ini. Setiap pekerja yang mulai chat lewat link atau QR Anda "
                 "tercatat sebagai hasil Anda.\n")
    caption = (f"{head}{links}"
               f"🔑 Kode agen: <b>{e(code)}</b>\n"
               "📊 Lihat hasil Anda kapan saja dengan /statistik.")
    if name and utf16_len(caption) > CAPTION_LIMIT:
        return kit_caption(link, code, None, welcome, whatsapp)
    return caption


#: Caption of the WhatsApp QR code and of the poster (HTML-safe plain text).
WHATSAPP_QR_CAPTION = "Kode QR WhatsApp Anda (kode agen {code}): dipindai, langsung membuka chat Lingkar di WhatsApp."
POSTER_CAPTION = "🖨️ Poster siap cetak (A4) dengan kode QR WhatsApp dan Telegram Anda."

# The poster (bot/agents/poster.py): no figures, nothing that changes with the rules.
POSTER_TITLE = "Lingkar"
POSTER_SUBTITLE = "Tanya BPJS Ketenagakerjaan lewat chat, gratis"
POSTER_LINES = (
    "Menjawab pertanyaan tentang program BPJS Ketenagakerjaan: jaminan kecelakaan kerja, kematian, hari tua, "
    "dan cara mendaftar atau klaim.",
    "Memeriksa apakah Anda bisa ikut dan menghitung iuran per bulan sesuai pekerjaan dan penghasilan Anda.",
    "Kalau Anda mau, petugas BPJS Ketenagakerjaan Kantor Cabang Kendari menghubungi Anda untuk membantu mendaftar.",
)
POSTER_WHATSAPP = "Chat lewat WhatsApp"
POSTER_TELEGRAM = "Chat lewat Telegram"
POSTER_SCAN = "Pindai kode QR dengan kamera HP, lalu kirim pesan yang sudah tertulis."
POSTER_AGENT = "Agen Perisai: {name}"
POSTER_AGENT_NO_NAME = "Agen Perisai"
POSTER_CODE = "Kode agen: {code}"
POSTER_FOOTER = ("Data pribadi Anda hanya dicatat bila Anda setuju, dan bisa dihapus kapan saja "
                 "dengan menulis \"hapus data saya\".")


def stats_text(code: str, month, total, today: dt.date) -> str:
    """The /statistik answer (plain text with *bold*)."""
    def block(row) -> str:
        return (f"• Chat dimulai: {format_number(row.chats)}\n"
                f"• Cek kelayakan: {format_number(row.checks)}\n"
                f"• Minta dihubungi (lead): {format_number(row.leads)}\n"
                f"• Sudah terdaftar: {format_number(row.registered)}")

    return (f"📊 *Hasil link agen Anda* (kode {code})\n\n"
            f"*Bulan ini ({format_month(today)})*\n{block(month)}\n\n"
            f"*Sejak awal*\n{block(total)}\n\n"
            "Dihitung dari orang yang memulai chat lewat link atau kode QR Anda (setiap orang dihitung sekali).")
