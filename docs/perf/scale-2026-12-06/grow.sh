#!/bin/bash
# grow.sh TAG FROM STEP TO: add hold workflows in steps, memory after each
tag=$1; n=$2; step=$3; to=$4
pid=$(cat /tmp/scale/run-$tag.pid)
while [ $n -lt $to ]; do
  /tmp/scale/motcua load -open $step -c 32 -temporal 127.0.0.1:39104 -quiet -json -duration 30m
  n=$((n+step))
  /tmp/scale/mem.sh $pid "$tag: $n open"
done
