#!/usr/bin/env bash
# Remake the PNG previews in docs/images from the sample catalogue (needs LibreOffice and poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
dutydocs build -o "$tmp/out" -j 2 >/dev/null
dutydocs build -o "$tmp/out" --only 责任书 --duplex --bundle >/dev/null
mkdir -p "$tmp/in" docs/images
cp "$tmp/out/责任清单/"*.docx "$tmp/in/list.docx"
cp "$(ls "$tmp/out/责任书/"*.docx | sed -n 12p)" "$tmp/in/letter.docx"
cp "$(ls "$tmp/out/纪实本/"*.docx | sed -n 3p)" "$tmp/in/book.docx"
cp "$tmp/out/工作建议书/"*.docx "$tmp/in/advice.docx"
cp "$(ls "$tmp/out/四张清单/"*.docx | sed -n 2p)" "$tmp/in/four.docx"
cp "$(ls "$tmp/out/廉洁信息表/"*.docx | head -1)" "$tmp/in/integrity.docx"
dutydocs report --as-of 2026-06-30 -o "$tmp/in/report" >/dev/null
FONTCONFIG_FILE="$PWD/fonts/fonts.conf" soffice -env:UserInstallation="file://$tmp/profile" --headless \
  --convert-to pdf --outdir "$tmp/pdf" "$tmp"/in/*.docx >/dev/null 2>&1
rm -f docs/images/{list,letter,book,advice,four,integrity,report}-*.png
pdftoppm -r 50 -f 1 -l 2 -png "$tmp/pdf/list.pdf" docs/images/list
pdftoppm -r 50 -f 1 -l 3 -png "$tmp/pdf/letter.pdf" docs/images/letter
for p in 1 3 7 15 30; do pdftoppm -r 50 -f $p -l $p -png "$tmp/pdf/book.pdf" docs/images/book; done
pdftoppm -r 50 -f 1 -l 1 -png "$tmp/pdf/advice.pdf" docs/images/advice
pdftoppm -r 50 -f 1 -l 1 -png "$tmp/pdf/four.pdf" docs/images/four
pdftoppm -r 50 -f 1 -l 1 -png "$tmp/pdf/integrity.pdf" docs/images/integrity
pdftoppm -r 50 -f 1 -l 1 -png "$tmp/pdf/report.pdf" docs/images/report
ls docs/images
