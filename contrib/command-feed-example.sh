#!/bin/sh
# A tingting command feed, as small as it gets. tingting runs it on every poll of the feed
#   tingting feed add-command --email E --account N --every 5m -- sh command-feed-example.sh FILE
# and stores the transactions it prints on standard output, one JSON object per line.
#
# The "bank" here is FILE, one transaction per line as a bank client might write it:
#   2025-04-22 09:30:00;250000;DH1042 chuyen tien;FT25112001
# (Vietnam time; signed amount in VND; description; the bank's reference).
# TINGTING_CURSOR is what this script printed as its cursor last time (here: how many lines
# it had reported), so each poll reports only new lines. Reporting a line twice is harmless:
# tingting stores each reference once. Messages on standard error show in the feed's health.
set -eu
file="$1"
[ -r "$file" ] || { echo "cannot read $file" >&2; exit 1; }
awk -F';' -v skip="${TINGTING_CURSOR:-0}" '
  NR > skip && NF >= 4 {
    gsub(/\\/, "\\\\", $3); gsub(/"/, "\\\"", $3)
    printf "{\"bookedAt\":\"%s\",\"amount\":%s,\"description\":\"%s\",\"reference\":\"%s\"}\n", $1, $2, $3, $4
  }
  END { printf "{\"cursor\":\"%d\"}\n", NR }
' "$file"
echo "account ${TINGTING_ACCOUNT_NUMBER:-?} (${TINGTING_BANK_CODE:-?}): read $file" >&2
