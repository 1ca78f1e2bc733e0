#!/usr/bin/env bash
# Writes data/swx-2000-2007.csv again, byte for byte, from the data set SWX of R's fPortfolio as Debian bookworm ships
# it (r-cran-fportfolio, pinned below with the sha256 of its .deb): the six Swiss index series, daily, 2000-01-03 to
# 2007-05-08, in long format (date,symbol,close), rows by date and, within a date, the symbols in the package's order.
#
#   bash scripts/extract-swx.sh /tmp/swx.csv && cmp /tmp/swx.csv data/swx-2000-2007.csv
#
# Needs apt-get (Debian's mirrors) and dpkg-deb; no root. The package keeps the data in R's lazy-load format, so R reads
# it: Rscript when it is on PATH, else R 4.2.2 from Debian's r-base-core (pinned too), unpacked beside the package in
# a temporary folder and never installed. Either R writes the same bytes: the dates come from the series' positions
# (seconds since 1970 in GMT, every one a midnight), each number is printed with 15 significant digits, which gives
# the source's decimals (at most 3), and the script checks that every number printed reads back as the source's double.
set -euo pipefail

readonly FPORTFOLIO='r-cran-fportfolio=3042.83.1-1+b1'
readonly FPORTFOLIO_SHA256='f9f66cbfbc3608115c424e9b66a97b4f807522721045ff4c942989a8bee0e6ba'
# R and the libraries r-base-core needs that a bookworm machine without R may lack (the others, libreadline8, libicu72,
# libpcre2-8-0, libtirpc3 and libgomp1, come with the base system or its usual packages).
readonly R_DEBS=(
  'r-base-core=4.2.2.20221110-2 cfc8aafc639333d16d9019c7d498ced00fc3565b153682a9d9baa48b9eb96a38'
  'libblas3=3.11.0-2 9aae8058b8d02b800bdafc5b340614df1442a2d2abbc2d351947c0fdd67aa08a'
  'liblapack3=3.11.0-2 4cb4ba9c36ee0242d91c8bcd69286db59a6a0c86f8c522b72f5eb0053e127d7d'
  'libgfortran5=12.2.0-14+deb12u1 63d38775d20c425c1f00914b52167ae0e3b4639facdb0aa734877279fb716fbb'
)

out=${1:-}
if [[ -z $out || $# -ne 1 ]]; then
  echo "usage: bash scripts/extract-swx.sh OUT.csv (the CSV to write; data/swx-2000-2007.csv is what it regenerates)" >&2
  exit 2
fi
if [[ -e $out && ! -f $out ]] || [[ -L $out ]]; then
  echo "$out: exists and is not a regular file; give a path to a new or regular file" >&2
  exit 2
fi
if [[ ! -d $(dirname -- "$out") ]]; then
  echo "$out: its folder does not exist" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

# Downloads one pinned package into $work and unpacks it into $work/root, after checking the .deb's sha256.
fetch_deb() {
  local spec=$1 sha=$2 deb
  (cd "$work" && apt-get download -q "$spec" >/dev/null 2>"$work/apt.log") || {
    cat "$work/apt.log" >&2
    echo "apt-get download $spec failed (it must come from Debian bookworm's mirrors, or snapshot.debian.org)" >&2
    exit 1
  }
  deb=$(ls "$work"/"${spec%%=*}"_*.deb)
  echo "$sha  $deb" | sha256sum --quiet -c - || {
    echo "$deb: sha256 is not the pinned $sha" >&2
    exit 1
  }
  dpkg-deb -x "$deb" "$work/root"
}

fetch_deb "$FPORTFOLIO" "$FPORTFOLIO_SHA256"

cat >"$work/swx.R" <<'EOF'
args <- commandArgs(trailingOnly = TRUE)
data <- new.env()
invisible(lazyLoad(args[1], envir = data))
swx <- data$SWX
stopifnot(identical(attr(swx, "FinCenter"), "GMT"), identical(attr(swx, "format"), "%Y-%m-%d"))
positions <- attr(swx, "positions")
levels <- unclass(swx)
stopifnot(is.double(levels), !anyNA(levels), all(positions %% 86400 == 0), all(diff(positions) > 0))
dates <- format(as.Date(positions / 86400, origin = "1970-01-01"), "%Y-%m-%d")
symbols <- colnames(levels)
text <- matrix(sprintf("%.15g", levels), nrow = nrow(levels))
stopifnot(all(as.numeric(text) == levels))
lines <- paste(rep(dates, each = length(symbols)), rep(symbols, times = length(dates)), as.vector(t(text)), sep = ",")
con <- file(args[2], "wb")
writeLines(c("date,symbol,close", lines), con, sep = "\n")
close(con)
EOF

rdata="$work/root/usr/lib/R/site-library/fPortfolio/data/Rdata"
if command -v Rscript >/dev/null; then
  Rscript --vanilla "$work/swx.R" "$rdata" "$work/swx.csv"
else
  for pinned in "${R_DEBS[@]}"; do
    read -r spec sha <<<"$pinned"
    fetch_deb "$spec" "$sha"
  done
  r_home="$work/root/usr/lib/R"
  # Debian links etc/Renviron to /etc/R, which exists only where R is installed; the package ships the file itself.
  rm -f "$r_home/etc/Renviron" && cp "$r_home/etc/Renviron.ucf" "$r_home/etc/Renviron"
  libs="$r_home/lib:$work/root/usr/lib/x86_64-linux-gnu:$work/root/usr/lib/x86_64-linux-gnu/blas:$work/root/usr/lib/x86_64-linux-gnu/lapack"
  LD_LIBRARY_PATH="$libs" R_HOME="$r_home" R_SHARE_DIR="$work/root/usr/share/R/share" R_INCLUDE_DIR="$work/root/usr/share/R/include" \
    R_DOC_DIR="$work/root/usr/share/R/doc" "$r_home/bin/exec/R" --vanilla --slave -f "$work/swx.R" --args "$rdata" "$work/swx.csv"
fi

cp -- "$work/swx.csv" "$out.partial"
mv -f -- "$out.partial" "$out"
echo "Wrote $out: $(($(wc -l <"$out") - 1)) rows, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
