"""Everything the adapter itself says to users (plain, friendly Indonesian; no figures — those come from Rasa).

Texts are plain strings; :func:`bot.telegram.render.to_html` escapes them (``*bold*`` becomes bold).
"""

# Commands shown in Telegram's menu (setMyCommands): name -> description.
COMMANDS = {
    "start": "Mulai ngobrol dengan Lingkar",
    "menu": "Tampilkan menu utama",
    "bantuan": "Cara memakai Lingkar",
    "hapusdata": "Hapus data pribadi saya",
    "berhenti": "Berhenti menerima kabar dari Lingkar",
}

HELP = (
    "*Cara memakai Lingkar*\n"
    "Ketik pertanyaan Anda tentang BPJS Ketenagakerjaan dengan bahasa sehari-hari, misalnya:\n"
    "• \"jkk itu apa?\"\n"
    "• \"saya nelayan, iurannya berapa?\"\n"
    "• \"cara daftar bpjs tk gimana?\"\n"
    "Anda juga bisa menekan tombol yang muncul di bawah pesan.\n\n"
    "*Perintah*\n"
    "/menu — menu utama\n"
    "/bantuan — petunjuk ini\n"
    "/hapusdata — hapus data pribadi Anda\n\n"
    "Saya hanya bisa membaca pesan teks dan tombol."
)

RASA_DOWN = (
    "Maaf, Lingkar sedang mengalami gangguan dan belum bisa menjawab pesan Anda. 🙏\n"
    "Silakan kirim ulang pesan Anda beberapa menit lagi."
)

INTERNAL_ERROR = (
    "Maaf, ada kesalahan di sistem kami saat memproses pesan Anda. 🙏\n"
    "Silakan coba lagi, atau ketik /menu."
)

UNKNOWN_COMMAND = "Maaf, perintah itu tidak saya kenal. Ketik /menu untuk melihat pilihan, atau /bantuan."

# Non-text messages: what was sent -> how to name it in the answer.
NON_TEXT_KINDS = {
    "sticker": "stiker",
    "photo": "foto",
    "voice": "pesan suara",
    "video": "video",
    "video_note": "video",
    "audio": "rekaman audio",
    "document": "file",
    "animation": "GIF",
    "location": "lokasi",
    "venue": "lokasi",
    "poll": "polling",
    "dice": "emoji dadu",
    "game": "permainan",
    "story": "story",
    "contact": "kontak",
}

NON_TEXT = (
    "Maaf, saya belum bisa membaca {kind}. 🙏\n"
    "Saya hanya bisa memahami *pesan teks* dan *tombol*. Silakan ketik pertanyaan Anda, "
    "misalnya \"iuran untuk nelayan berapa?\", atau ketik /menu."
)

NON_TEXT_LOCATION = (
    "Terima kasih, tapi saya belum bisa membaca lokasi. 🙏\n"
    "Silakan ketik nama kabupaten/kota Anda, misalnya \"Kendari\" atau \"Konawe Selatan\"."
)

EDITED = (
    "Saya melihat Anda mengubah pesan sebelumnya. Pesan yang diubah tidak saya proses ulang. "
    "Kalau ada yang ingin diperbaiki, kirim saja pesan baru, misalnya \"eh umur saya 36\"."
)

GROUP = (
    "Halo! Saya Lingkar, asisten informasi BPJS Ketenagakerjaan. Supaya data Anda aman, "
    "saya hanya melayani lewat chat pribadi. Ketuk tombol di bawah untuk mulai."
)
GROUP_BUTTON = "Chat pribadi dengan Lingkar"

FLOOD = (
    "Pesannya cepat sekali 🙂 Saya perlu waktu untuk membaca. Pesan Anda barusan belum saya proses; "
    "tunggu sebentar, lalu kirim lagi pertanyaan Anda."
)

CONTACT_BUTTON = "📱 Bagikan nomor HP"
CONTACT_PROMPT = "Ketuk tombol \"Bagikan nomor HP\" di bawah, atau ketik nomor HP Anda."
CONTACT_NOT_OWN = (
    "Maaf, demi keamanan saya hanya bisa menerima nomor HP Anda sendiri. "
    "Ketuk tombol \"Bagikan nomor HP\" di bawah, atau ketik nomor HP Anda."
)
CONTACT_THANKS = "Terima kasih, nomor Anda sudah saya terima."
KEYBOARD_CLOSED = "Baik."

BUTTONS_DEFAULT_TEXT = "Silakan pilih:"
CHOICE_SHOWN = "✅ Pilihan Anda: *{title}*"
CHOICE_ECHO = "✅ Anda memilih: *{title}*"
BUTTON_EXPIRED = "Tombol ini sudah tidak berlaku, silakan ketik pertanyaan Anda (atau /menu)."
BUTTON_ALREADY = "Pilihan ini sudah tercatat."
BUTTON_OK = "Baik, sebentar ya…"
