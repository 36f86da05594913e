#!/bin/bash
# Runs a Kafka class with the image's jars, like the official bin/kafka-run-class.sh.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} \
  -Dlog4j2.configurationFile=/etc/kafka/docker/log4j2.yaml \
  -cp '/opt/kafka/libs/*' "$@"
