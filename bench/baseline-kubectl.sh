#!/bin/sh
# The baseline: what people write instead of a chaos tool. Kill $KILLS random pods of the workload selected by
# $SELECTOR in $NAMESPACE, one `kubectl get` + `kubectl delete` per kill. $KUBECTL and $KUBECONFIG come from the harness.
set -eu
i=0
while [ "$i" -lt "$KILLS" ]; do
  pod=$("$KUBECTL" get pods -n "$NAMESPACE" -l "$SELECTOR" -o name | shuf -n 1)
  "$KUBECTL" delete -n "$NAMESPACE" "$pod" --wait=false >/dev/null
  i=$((i + 1))
done
