#!/bin/bash
# Stops the brokers of this container with SIGTERM (a clean shutdown), like the official bin/kafka-server-stop.sh.
pids=()
for dir in /proc/[0-9]*; do
  if tr '\0' ' ' < "$dir/cmdline" 2>/dev/null | grep -q ' kafka\.Kafka '; then pids+=("${dir#/proc/}"); fi
done
if [ "${#pids[@]}" -eq 0 ]; then
  echo "No kafka server to stop" >&2
  exit 1
fi
kill -s TERM "${pids[@]}"
