"""Word lists both the income and the age parsers read (income and cost words, money and age units)."""
from __future__ import annotations

_JUTA_UNITS = {"jt", "juta", "jta", "jutaan", "jtaan", "jtan", "jut", "jeti", "juts"}
_RIBU_UNITS = {"rb", "ribu", "rbu", "ribuan", "rban", "rbuan", "k", "rebu", "ewu", "ribu'an"}
_INCOME_WORDS = {"gaji", "gajih", "gaj", "gj", "gajian", "penghasilan", "penghasilannya", "pnghasilan", "penghasilan2",
                 "pendapatan", "pendptan", "pndapatan", "income", "hasil", "hasilnya", "untung", "keuntungan",
                 "omset", "omzet", "upah", "upahnya", "gajinya", "pemasukan", "dapat", "dapet", "dpt", "dpat",
                 "berpenghasilan", "bergaji", "digaji", "dibayar", "terima", "nerima", "menghasilkan", "cuan",
                 "pendapatannya", "pengasilan", "penghasilanku", "gajiku", "pnghasiln", "penghasiln"}
_COST_WORDS = {"iuran", "iurannya", "iuranya", "bayar", "bayarnya", "byr", "biaya", "biayanya", "premi", "harga",
               "saldo", "saldonya", "santunan", "santunannya", "klaim", "beasiswa", "pinjam", "pinjaman", "utang",
               "hutang", "cicilan", "tabungan", "modal", "denda", "diskon", "potongan", "dipotong", "bantuan", "bsu",
               "blt", "subsidi", "jht", "jkk", "jkm", "jp", "jkp", "pensiun", "manfaat", "tunggakan", "nunggak",
               "ganti", "tagihan", "kredit", "setor", "setoran", "transfer", "bonus", "komisi", "fee", "kontrak",
               "proyek", "nilai", "anggaran", "donasi", "sumbangan", "csr", "uang", "maksimal", "minimal", "cair",
               "dibayarkan", "ditanggung", "kirim", "rugi"}


_AGE_WORDS = {"umur", "umr", "usia", "usiaku", "umurku", "umurnya", "usianya", "umurx", "umurq", "umurny", "umur2",
              "berumur", "berusia", "usiaa", "umurr", "age"}
_AGE_UNITS = {"thn", "tahun", "th", "taun", "thun", "tahunan", "thnan", "years", "yo", "y.o", "yrs", "tahunn",
              "thnn", "tn"}
# "omset setahun 1,8 M": billions are a business's turnover, never a worker's income
_NOT_MONEY_UNITS = {"m", "miliar", "milyar", "triliun",
                    "bulan", "bln", "hari", "hr", "minggu", "orang", "org", "kali", "x", "anak", "persen", "jam",
                    "kg", "km", "meter", "ekor", "buah", "hektar", "ha", "cm", "menit", "detik", "lembar", "unit",
                    "pekerja", "karyawan", "tenaga", "kepala", "jiwa", "bh", "pcs", "lantai", "desa", "kk", "digit",
                    "angka", "nomor", "no", "tanggal", "tgl", "juni", "juli", "mei", "april", "maret", "agustus",
                    "september", "oktober", "november", "desember", "januari", "februari", "pagi", "siang", "sore",
                    "malam", "wita", "wib", "program", "prog", "jenis", "macam", "golongan", "kelas", "tahap",
                    "periode", "gelombang", "cabang", "kantor", "sekolah", "rumah", "perahu", "kapal", "motor"}
