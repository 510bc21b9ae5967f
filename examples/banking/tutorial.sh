#!/usr/bin/env bash
# Amazon ML's banking tutorial (spec §15) with the AWS CLI against openaml: upload the data, a 70/30 random split
# into training and evaluation datasources (with statistics), a BINARY model with the sample recipe, an
# evaluation (prints BinaryAUC), score threshold 0.75, and a batch prediction of banking-batch.csv.
#
# Environment: OPENAML_URL (default http://127.0.0.1:8600), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (openaml's
# credentials file), AWS (the CLI, default `aws`), BUCKET (default banking-<random>), SPLIT_SEED (default the
# data's S3 URL, as Amazon ML's console did), MIN_AUC (default 0.936, what Amazon ML reported on this tutorial).
# Prints one "step <name> <seconds>" line per step and ends with "tutorial ok".
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
URL="${OPENAML_URL:-http://127.0.0.1:8600}"
AWS="${AWS:-aws}"
BUCKET="${BUCKET:-banking-$RANDOM$RANDOM}"
SPLIT_SEED="${SPLIT_SEED:-s3://$BUCKET/banking.csv}"
MIN_AUC="${MIN_AUC:-0.936}"
RUN="${RUN_ID:-$(date +%s)$RANDOM}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" AWS_PAGER="" AWS_RETRY_MODE="${AWS_RETRY_MODE:-standard}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

ml() { "$AWS" --endpoint-url "$URL" --output json machinelearning "$@"; }
s3() { "$AWS" --endpoint-url "$URL" s3 "$@"; }
now() { date +%s.%N; }
step_start=$(now)
step() {  # step <name>: print the wall time since the previous step
  local t; t=$(now)
  printf 'step %-22s %6.3f s\n' "$1" "$(echo "$t - $step_start" | bc)"
  step_start=$t
}
# wait_for <get-command> <id-option> <id>: poll until COMPLETED (exit 1 on FAILED).
wait_for() {
  local status
  for _ in $(seq 1 3000); do
    status=$(ml "$1" "$2" "$3" --query Status --output text)
    case "$status" in
      COMPLETED) return 0 ;;
      FAILED|DELETED) echo "$1 $3 ended $status: $(ml "$1" "$2" "$3" --query Message --output text)" >&2; return 1 ;;
    esac
    sleep 0.1
  done
  echo "timed out waiting for $3" >&2
  return 1
}

s3 mb "s3://$BUCKET" >/dev/null
for f in banking.csv banking-batch.csv banking.csv.schema banking-batch.csv.schema recipe.json; do
  s3 cp --only-show-errors "$HERE/$f" "s3://$BUCKET/$f"
done
step upload

# DataSpec as JSON (the DataRearrangement member is itself a JSON string, so its quotes are escaped).
data_spec() {  # data_spec <data file> <schema file> [<begin> <end>]
  local rearrangement=""
  if [ $# -eq 4 ]; then
    rearrangement=',"DataRearrangement":"{\"splitting\":{\"percentBegin\":'"$3"',\"percentEnd\":'"$4"',\"strategy\":\"random\",\"strategyParams\":{\"randomSeed\":\"'"$SPLIT_SEED"'\"}}}"'
  fi
  printf '{"DataLocationS3":"s3://%s/%s","DataSchemaLocationS3":"s3://%s/%s"%s}' "$BUCKET" "$1" "$BUCKET" "$2" "$rearrangement"
}
ml create-data-source-from-s3 --data-source-id "ds-train-$RUN" --data-source-name "Banking 70%" \
  --data-spec "$(data_spec banking.csv banking.csv.schema 0 70)" --compute-statistics >/dev/null
ml create-data-source-from-s3 --data-source-id "ds-eval-$RUN" --data-source-name "Banking 30%" \
  --data-spec "$(data_spec banking.csv banking.csv.schema 70 100)" --compute-statistics >/dev/null
wait_for get-data-source --data-source-id "ds-train-$RUN"
wait_for get-data-source --data-source-id "ds-eval-$RUN"
step datasources

ml create-ml-model --ml-model-id "ml-$RUN" --ml-model-name "Banking model" --ml-model-type BINARY \
  --training-data-source-id "ds-train-$RUN" --recipe-uri "s3://$BUCKET/recipe.json" \
  --parameters '{"sgd.maxPasses":"10","sgd.shuffleType":"auto","sgd.l2RegularizationAmount":"1e-6"}' >/dev/null
wait_for get-ml-model --ml-model-id "ml-$RUN"
step model

ml create-evaluation --evaluation-id "ev-$RUN" --ml-model-id "ml-$RUN" --evaluation-data-source-id "ds-eval-$RUN" >/dev/null
wait_for get-evaluation --evaluation-id "ev-$RUN"
auc=$(ml get-evaluation --evaluation-id "ev-$RUN" --query 'PerformanceMetrics.Properties.BinaryAUC' --output text)
step evaluation
echo "BinaryAUC $auc"
if [ "$(echo "$auc >= $MIN_AUC" | bc)" != 1 ]; then echo "AUC $auc below $MIN_AUC" >&2; exit 1; fi

ml update-ml-model --ml-model-id "ml-$RUN" --score-threshold 0.75 >/dev/null
threshold=$(ml get-ml-model --ml-model-id "ml-$RUN" --query ScoreThreshold --output text)
echo "ScoreThreshold $threshold"
step threshold

ml create-data-source-from-s3 --data-source-id "ds-batch-$RUN" --data-source-name "Banking batch" \
  --data-spec "$(data_spec banking-batch.csv banking-batch.csv.schema)" >/dev/null
ml create-batch-prediction --batch-prediction-id "bp-$RUN" --ml-model-id "ml-$RUN" \
  --batch-prediction-data-source-id "ds-batch-$RUN" --output-uri "s3://$BUCKET/output/" >/dev/null
wait_for get-batch-prediction --batch-prediction-id "bp-$RUN"
step batch-prediction

s3 cp --only-show-errors "s3://$BUCKET/output/batch-prediction/result/bp-$RUN-banking-batch.csv.gz" "$WORK/result.gz"
rows=$(gunzip -c "$WORK/result.gz" | tail -n +2 | wc -l)
echo "batch rows $rows"
echo "TotalRecordCount $(ml get-batch-prediction --batch-prediction-id "bp-$RUN" --query TotalRecordCount --output text)"
echo "tutorial ok"
