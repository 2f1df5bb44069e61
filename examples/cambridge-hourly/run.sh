#!/bin/sh
# The hourly Cambridge example in one command: converts the real data, backfills March-May 2020
# and draws the county's resumption rate (SPEC's count) beside its active rate (the day's shape).
# Environment: see ../run_example.sh.
exec "$(dirname "$0")/../run_example.sh" cambridge-hourly cambridge 2020-03-01 2020-05-31 \
  resumption_active_rate.svg --level county --codes CAMB --field resumption_rate,active_rate \
  --title "Cambridge University buildings, spring 2020: resumed by energy, active by day shape"
