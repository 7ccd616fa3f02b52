#!/bin/bash
# start motcua run for the scale measurements; $1 = tag (db suffix)
tag=$1
cd /work/wt/scale
export MOTCUA_DATABASE=motcua_scale_$tag TEMPORAL_DB=temporal_scale_$tag TEMPORAL_VISIBILITY_DB=temporal_vis_scale_$tag
export MOTCUA_UPLOADS_PER_MINUTE=1000000 MOTCUA_TEMPORAL_TUNING=${TUNING:-}
export MOTCUA_PAYMENT_ADDR=127.0.0.1:39106
exec /tmp/scale/motcua2 run -data /tmp/scale/data-$tag -addr 127.0.0.1:39101 -signer-addr 127.0.0.1:39102 -axis-addr 127.0.0.1:39103 \
  -temporal-port 39104 -metrics-addr 127.0.0.1:39105 -pprof -log-level warn
