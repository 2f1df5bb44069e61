#!/bin/sh
# The France example in one command: converts the Enedis data, backfills March-November 2020
# and draws the load recovery of the four customer segments (tags hta, pme, pro, res).
# Environment: see ../run_example.sh.
exec "$(dirname "$0")/../run_example.sh" france enedis 2020-03-01 2020-11-30 \
  load_recovery.svg --level tag --codes hta,pme,pro,res --field load_recovery \
  --title "France by Enedis segment, 2020: lockdowns 17 Mar-11 May and from 30 Oct"
