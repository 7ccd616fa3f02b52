#!/bin/bash
# mem.sh PID LABEL: Go heap after a forced GC and the process RSS of motcua run
pid=$1; label=$2
h=$(curl -s 'http://127.0.0.1:39105/debug/pprof/heap?gc=1&debug=1' | grep -E '^# (HeapAlloc|HeapInuse|Sys|NumGC) =' | awk '{print $2"="$4}' | tr '\n' ' ')
sleep 2
h=$(curl -s 'http://127.0.0.1:39105/debug/pprof/heap?gc=1&debug=1' | grep -E '^# (HeapAlloc|HeapInuse|Sys) =' | awk '{printf "%s=%.1fMiB ", $2, $4/1048576}')
rss=$(awk '/VmRSS/{printf "%.1fMiB", $2/1024}' /proc/$pid/status)
gor=$(curl -s 'http://127.0.0.1:39105/debug/pprof/goroutine?debug=1' | head -1 | awk '{print $4}')
echo "$(date -u +%H:%M:%S) $label RSS=$rss $h goroutines=$gor load=$(cut -d' ' -f1-3 /proc/loadavg)"
