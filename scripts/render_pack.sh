#!/usr/bin/env bash
# Render the meeting pack and the PDF report of some areas to PNG images, so a person can
# look at every slide and every page as they will be read: the PowerPoint through Debian's
# LibreOffice (headless), both PDFs through poppler's pdftoppm.
#
#   scripts/render_pack.sh [--db URL] [--year YEAR] [--out DIR] AREA...
#   scripts/render_pack.sh --db sqlite:////tmp/demo.sqlite H04 3403
#
# Installs libreoffice-impress and poppler-utils with apt-get when they are missing and the
# script runs as root (elsewhere it says what to install). The app never needs them.
set -euo pipefail
cd "$(dirname "$0")/.."

out=test-artifacts/pack
options=()
areas=()
while (($#)); do
  case "$1" in
    --db | --year) options+=("$1" "$2"); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) areas+=("$1"); shift ;;
  esac
done
if ((${#areas[@]} == 0)); then
  echo "Bruk: scripts/render_pack.sh [--db URL] [--year ÅR] [--out MAPPE] OMRÅDE..." >&2
  exit 2
fi

if ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Mangler LibreOffice eller pdftoppm: installer libreoffice-impress og poppler-utils" \
      "(Debian/Ubuntu: sudo apt-get install -y libreoffice-impress poppler-utils)." >&2
    exit 1
  fi
  echo "Installerer libreoffice-impress og poppler-utils …"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-impress poppler-utils >/dev/null
fi

mkdir -p "$out/png"
profile="$(mktemp -d)"  # LibreOffice's own profile, so a user's open office is not disturbed
trap 'rm -rf "$profile"' EXIT
for area in "${areas[@]}"; do
  .venv/bin/python -m report pptx --area "$area" --out "$out/$area.pptx" "${options[@]}"
  .venv/bin/python -m report pdf --area "$area" --out "$out/$area.pdf" "${options[@]}"
  soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf \
    --outdir "$out/impress" "$out/$area.pptx" >/dev/null
  rm -f "$out/png/${area}_"*.png
  pdftoppm -r 60 -png "$out/impress/$area.pdf" "$out/png/${area}_lysbilde"
  pdftoppm -r 60 -png "$out/$area.pdf" "$out/png/${area}_side"
  echo "$area: $(ls "$out/png/${area}_lysbilde"* | wc -l) lysbilder og" \
    "$(ls "$out/png/${area}_side"* | wc -l) sider i $out/png"
done
