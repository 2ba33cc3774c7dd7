"""Everything the WhatsApp channel itself says (plain, friendly Indonesian; no figures — those come from Rasa).
``*bold*`` is WhatsApp's own bold."""

# What a non-text message is called in the answer.
KINDS = {
    "image": "gambar",
    "sticker": "stiker",
    "voice": "pesan suara",
    "audio": "rekaman audio",
    "video": "video",
    "document": "dokumen",
    "location": "lokasi",
    "contacts": "kontak",
    "reaction": "reaksi",
    "order": "pesanan",
}

NON_TEXT = (
    "Maaf, saya belum bisa membaca {kind}. 🙏\n"
    "Saya hanya membaca *pesan teks* dan *tombol pilihan*. Silakan tulis pertanyaan Anda, "
    "misalnya \"iuran nelayan berapa?\" atau ketik *menu*."
)

UNSUPPORTED = (
    "Maaf, jenis pesan itu belum bisa saya baca. 🙏\n"
    "Saya hanya membaca *pesan teks* dan *tombol pilihan*. Silakan tulis pertanyaan Anda, atau ketik *menu*."
)

REACTION = "Terima kasih atas reaksinya! 😊 Kalau ada pertanyaan, tulis saja dalam pesan teks, atau ketik *menu*."

RASA_DOWN = (
    "Maaf, Lingkar sedang mengalami gangguan dan belum bisa menjawab pesan Anda. 🙏\n"
    "Silakan kirim ulang pesan Anda beberapa menit lagi."
)

INTERNAL_ERROR = (
    "Maaf, ada kesalahan di sistem kami saat memproses pesan Anda. 🙏\n"
    "Silakan coba lagi, atau ketik *menu*."
)

BUTTON_EXPIRED = "Maaf, tombol itu sudah tidak berlaku. Silakan ketik pertanyaan Anda, atau ketik *menu*."

# The body of a button message whose text came before it, and the list's open button (at most 20 characters).
BUTTONS_DEFAULT_TEXT = "Silakan pilih:"
LIST_BUTTON = "Lihat pilihan"
LIST_MORE = "Pilihan lainnya:"
CONTACT_PROMPT = "Silakan ketik nomor HP Anda, misalnya 0812…"
