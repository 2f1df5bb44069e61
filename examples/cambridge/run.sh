#!/bin/sh
# The Cambridge example in one command: converts the real data, backfills March-May 2020 and
# draws the county's composite and load recovery. Environment: see ../run_example.sh.
exec "$(dirname "$0")/../run_example.sh" cambridge cambridge 2020-03-01 2020-05-31 \
  composite_load_recovery.svg --level county --codes CAMB --field composite,load_recovery \
  --title "Cambridge University buildings, spring 2020 (UK lockdown from 23 March)"
