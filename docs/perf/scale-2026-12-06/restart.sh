#!/bin/bash
# restart.sh TAG LABEL: stop motcua run, start it again, time until /readyz answers 200
# and until one new dossier is submitted (upload + submit over HTTP, workflow started).
tag=$1; label=$2
pid=$(cat /tmp/scale/run-$tag.pid)
t0=$(date +%s.%N)
kill -TERM $pid
while kill -0 $pid 2>/dev/null; do sleep 0.1; done
t1=$(date +%s.%N)
cd /tmp/scale
./run.sh $tag >> run-$tag.log 2>&1 &
echo $! > run-$tag.pid
t2=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:39101/readyz)" = 200 ]; do sleep 0.1; done
t3=$(date +%s.%N)
cd /work/wt/scale
/tmp/scale/motcua load -url http://127.0.0.1:39101 -n 1 -c 1 -stop-after submit -quiet -json > /tmp/scale/restart-submit.json 2>&1
t4=$(date +%s.%N)
echo "$(date -u +%H:%M:%S) $label stop=$(echo "$t1-$t0"|bc)s ready=$(echo "$t3-$t2"|bc)s submitted=$(echo "$t4-$t2"|bc)s (submit call $(grep -o '"submit":[0-9.]*' /tmp/scale/restart-submit.json | head -1)) load=$(cut -d' ' -f1-3 /proc/loadavg)"
