#!/bin/bash
# quiet.sh BIN OUTDIR TAG [ENV=VAL ...]: a fresh `motcua run` of BIN on its own databases,
# a warm-up, then 8 at once with -bare and 32 at once (whole path), measured by LOADBIN.
set -u
BIN=$1; OUT=$2; TAG=$3; shift 3
LOADBIN=${LOADBIN:-/tmp/motcua-B}
mkdir -p "$OUT"
for db in motcua_q temporal_q temporal_vis_q; do psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null; done
rm -rf /tmp/qdata; mkdir -p /tmp/qdata
env "$@" MOTCUA_DATABASE=motcua_q TEMPORAL_DB=temporal_q TEMPORAL_VISIBILITY_DB=temporal_vis_q \
  MOTCUA_UPLOADS_PER_MINUTE=100000 MOTCUA_PAYMENT_ADDR=127.0.0.1:38094 \
  "$BIN" run -data /tmp/qdata -addr 127.0.0.1:39933 -temporal-port 37233 -signer-addr 127.0.0.1:38090 \
  -axis-addr 127.0.0.1:38091 -metrics-addr 127.0.0.1:38093 -log-level warn >"$OUT/$TAG-run.log" 2>&1 &
RUN=$!
for i in $(seq 1 240); do curl -sf http://127.0.0.1:39933/readyz >/dev/null && break; sleep 0.5; done
U="-url http://127.0.0.1:39933"
"$LOADBIN" load $U -n 8 -c 8 -json >"$OUT/$TAG-warm.json" 2>/dev/null
"$LOADBIN" load $U -n ${N8:-80} -c 8 -bare -temporal 127.0.0.1:37233 -json >"$OUT/$TAG-c8.json" 2>"$OUT/$TAG-c8.err"
"$LOADBIN" load $U -n ${N32:-96} -c 32 -json >"$OUT/$TAG-c32.json" 2>"$OUT/$TAG-c32.err"
if [ -n "${SUBMITONLY:-}" ]; then
  "$LOADBIN" load $U -n ${NS:-96} -c 32 -stop-after submit -json >"$OUT/$TAG-s32.json" 2>"$OUT/$TAG-s32.err"
fi
kill -TERM $RUN; wait $RUN 2>/dev/null
python3 - "$OUT" "$TAG" <<'PY'
import json,sys,os
out,tag=sys.argv[1],sys.argv[2]
def rd(f):
    p=os.path.join(out,f"{tag}-{f}.json")
    try: return json.load(open(p))
    except Exception as e: return None
c8,c32,s32=rd("c8"),rd("c32"),rd("s32")
def dec(j):
    p99=j["path"]["p99"]; return max(v for k,v in p99.items() if k not in ("submit","upload","login"))
if c8: print(f"{tag} c8: rate {c8['path']['rate']:.2f} bare {c8.get('bare',{}).get('rate',0):.2f} floor {c8.get('floor',{}).get('rate',0):.2f} submit p50/p99 {c8['path']['p50'].get('submit'):.0f}/{c8['path']['p99'].get('submit'):.0f} decision p99 {dec(c8):.0f} load {c8.get('load')}")
if c32: print(f"{tag} c32: rate {c32['path']['rate']:.2f} submit p50/p99 {c32['path']['p50'].get('submit'):.0f}/{c32['path']['p99'].get('submit'):.0f} decision p99 {dec(c32):.0f} load {c32.get('load')}")
if s32: print(f"{tag} s32: rate {s32['path']['rate']:.2f} submit p50/p99 {s32['path']['p50'].get('submit'):.0f}/{s32['path']['p99'].get('submit'):.0f} load {s32.get('load')}")
PY
