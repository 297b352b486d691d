#!/bin/sh
# pml-train trains until converged by default: --max-epochs, --tol, --patience,
# --epochs N for exactly N, the stop line (stderr, --log, model metadata), -v,
# --alpha, and epoch lines (a log) on any stderr while the progress bar needs a
# terminal.
. "$(dirname "$0")/lib.sh"
gen() { "$PML_TOP/build/tests/u-model" --gen "$@"; }

gen blobs 300 1 "$T/train.pml"
gen blobs 90 2 "$T/val.pml"
gen reg 200 5 "$T/reg.pml"
# train NAME ARGS...: expect exit 0, keep stderr in $T/e (run overwrites $T/err)
train() { _tn=$1; shift; expect "$_tn" 0 pml-train "$@"; cp "$T/err" "$T/e"; }
epochs() { grep -c '^epoch [0-9]*/' "$T/e"; }
stopline() { grep '^pml-train: stopped at epoch' "$T/e"; }

# the default: until the training loss stops improving by 1e-4 for 10 epochs
train "default run" -o "$T/d" "$T/train.pml"
n=$(epochs)
check "default: fewer than 200 epochs on an easy problem ($n)" test "$n" -gt 10 -a "$n" -lt 200
check "default: epoch lines count up to 200" grep -q "^epoch $n/200  loss" "$T/e"
expect_out "default: the stop line names the reason and the kept (last) epoch" \
	"pml-train: stopped at epoch $n: training loss did not improve by 1e-4 for 10 epochs; kept epoch $n" \
	stopline
check "default: the stop line is the last line" sh -c "tail -1 '$T/e' | grep -q '^pml-train: stopped'"
check "default: no progress bar when stderr is not a terminal" sh -c "! grep -q \"\$(printf '\\r')\" '$T/e'"
expect_out "default: the metadata records the stop and the kept epoch" \
	"\"epochs\":200,\"patience\":10,\"tol\":0.0001},\"epochs_run\":$n,\"best_epoch\":0,\"kept_epoch\":$n,\"stop\":\"no_improvement\"" \
	sh -c "pml-cat '$T/d' | grep -o '\"epochs\":200,.*\"stop\":\"[a-z_]*\"'"
expect_out "default: alpha 1e-4 and batch 200 in the metadata" '"alpha":0.0001 "batch":200' \
	sh -c "pml-cat '$T/d' | grep -o '\"alpha\":[0-9.e-]*\\|\"batch\":[0-9]*' | tr '\\n' ' ' | sed 's/ \$//'"

# the defaults are exactly these options: the same weights, so the same predictions
train "the defaults spelt out" -q --max-epochs 200 --tol 1e-4 --patience 10 --batch 200 \
	--alpha 1e-4 -o "$T/d2" "$T/train.pml"
pml-eval -q -m "$T/d" -p "$T/p1" "$T/train.pml" > /dev/null
pml-eval -q -m "$T/d2" -p "$T/p2" "$T/train.pml" > /dev/null
check "the defaults spelt out: same predictions" cmp -s "$T/p1" "$T/p2"

# --epochs N: exactly N, no tolerance stop
train "--epochs 7" --epochs 7 --tol 100 -o "$T/e7" "$T/train.pml"
check "--epochs 7: exactly 7 epoch lines" test "$(epochs)" = 7
expect_out "--epochs 7: the stop line" "pml-train: stopped at epoch 7: the 7 epochs asked; kept epoch 7" stopline
expect_out "--epochs 7: metadata" '"stop":"epochs"' sh -c "pml-cat '$T/e7' | grep -o '\"stop\":\"[a-z_]*\"'"
train "--epochs 12 with --val" --epochs 12 --val "$T/val.pml" -o "$T/e12" "$T/train.pml"
best=$(grep '^epoch .*\*$' "$T/e" | tail -1 | sed 's|^epoch \([0-9]*\)/.*|\1|')
check "--epochs 12 with --val: 12 epoch lines" test "$(epochs)" = 12
expect_out "--epochs 12 with --val: the best validation epoch is kept" \
	"pml-train: stopped at epoch 12: the 12 epochs asked; kept epoch $best (lowest validation loss)" stopline

# the tolerance stop, exactly: no epoch improves by 100, so it stops after patience epochs
train "--tol 100 --patience 3" --tol 100 --patience 3 -o "$T/t" "$T/train.pml"
expect_out "--tol 100 --patience 3: stops at epoch 4" \
	"pml-train: stopped at epoch 4: training loss did not improve by 100 for 3 epochs; kept epoch 4" stopline
check "--tol 100 --patience 3: 4 epoch lines of at most 200" test "$(grep -c '^epoch [1-4]/200 ' "$T/e")" = 4
train "--n-iter-no-change is --patience" --tol 100 --n-iter-no-change 2 -o "$T/t" "$T/train.pml"
expect_out "--n-iter-no-change 2: stops at epoch 3" \
	"pml-train: stopped at epoch 3: training loss did not improve by 100 for 2 epochs; kept epoch 3" stopline
train "--epochs 10 with --patience 2: the stop applies within 10" \
	--epochs 10 --patience 2 --tol 100 -o "$T/t" "$T/train.pml"
expect_out "--epochs 10 --patience 2: stops at epoch 3" \
	"pml-train: stopped at epoch 3: training loss did not improve by 100 for 2 epochs; kept epoch 3" stopline
train "with --val the stop watches the validation loss" \
	--tol 100 --patience 3 --val "$T/val.pml" -o "$T/tv" "$T/train.pml"
best=$(grep '^epoch .*\*$' "$T/e" | tail -1 | sed 's|^epoch \([0-9]*\)/.*|\1|')
expect_out "--val: the stop line says validation loss and keeps its best epoch" \
	"pml-train: stopped at epoch 4: validation loss did not improve by 100 for 3 epochs; kept epoch $best" stopline
expect_out "--val: metadata" "\"best_epoch\":$best,\"kept_epoch\":$best,\"stop\":\"no_improvement\"" \
	sh -c "pml-cat '$T/tv' | grep -o '\"best_epoch\":[^}]*\"stop\":\"[a-z_]*\"'"

# --max-epochs: the most epochs, and a run that has not converged says so
train "--max-epochs 6" --max-epochs 6 -o "$T/m6" "$T/reg.pml"
check "--max-epochs 6: 6 epoch lines" test "$(grep -c '^epoch [1-6]/6 ' "$T/e")" = 6
expect_out "--max-epochs 6: not converged" \
	"pml-train: stopped at epoch 6: the maximum number of epochs, with the training loss still improving by 1e-4 within 10 epochs (not converged); kept epoch 6" stopline
expect_out "--max-epochs 6: metadata" '"stop":"max_epochs"' sh -c "pml-cat '$T/m6' | grep -o '\"stop\":\"[a-z_]*\"'"
train "--patience 0: never stops early" --patience 0 --tol 100 --max-epochs 5 -o "$T/p0" "$T/train.pml"
expect_out "--patience 0: all 5 epochs" "pml-train: stopped at epoch 5: the 5 epochs asked; kept epoch 5" stopline
train "--preset fashion: exactly its 30 epochs" --preset fashion --hidden 8,4 -o "$T/pr" "$T/train.pml"
expect_out "--preset fashion: the stop line" "pml-train: stopped at epoch 30: the 30 epochs asked; kept epoch 30" stopline
train "a preset's exact epochs give way to --max-epochs" \
	--preset fashion --max-epochs 4 --tol 100 --patience 2 -o "$T/pr" "$T/train.pml"
expect_out "preset with --max-epochs: the stop applies" \
	"pml-train: stopped at epoch 3: training loss did not improve by 100 for 2 epochs; kept epoch 3" stopline

# the log, quiet and verbose
train "--log has the stop line" -q --epochs 3 --log "$T/log" -o "$T/l" "$T/train.pml"
check "-q: stderr empty" test ! -s "$T/err"
check "--log: 3 epoch lines and the stop line last" sh -c \
	"test \"\$(grep -c '^epoch' '$T/log')\" = 3 && tail -1 '$T/log' | grep -qx 'stopped at epoch 3: the 3 epochs asked; kept epoch 3'"
train "-v" -v --epochs 2 -o "$T/v" "$T/train.pml"
expect_out "-v says the settings in effect" \
	"pml-train: 300 training records, 0 validation records; batch 200, adam constant lr 0.001, alpha 0.0001, weight decay 0; exactly 2 epochs" \
	sh -c "head -1 '$T/e'"
train "-v on a small set" -v --hidden 4 -o "$T/v" "$T/val.pml"
expect_out "-v: the batch is at most the records; the stop rule" \
	"pml-train: 90 training records, 0 validation records; batch 90, adam constant lr 0.001, alpha 0.0001, weight decay 0; at most 200 epochs, stop when the training loss has not improved by 0.0001 for 10 epochs" \
	sh -c "head -1 '$T/e'"

# --alpha as scikit-learn's: alpha / batch rows per step, so with equal batches
# --alpha 0.5 --batch 50 is --weight-decay 0.01
train "--alpha 0.5 --batch 50" -q --epochs 3 --alpha 0.5 --batch 50 -o "$T/a1" "$T/train.pml"
train "--weight-decay 0.01 --alpha 0 --batch 50" -q --epochs 3 --alpha 0 --weight-decay 0.01 \
	--batch 50 -o "$T/a2" "$T/train.pml"
train "--alpha 0 --batch 50" -q --epochs 3 --alpha 0 --batch 50 -o "$T/a3" "$T/train.pml"
pml-eval -q -m "$T/a1" -p "$T/pa1" "$T/train.pml" > /dev/null
pml-eval -q -m "$T/a2" -p "$T/pa2" "$T/train.pml" > /dev/null
pml-eval -q -m "$T/a3" -p "$T/pa3" "$T/train.pml" > /dev/null
check "--alpha 0.5 with batches of 50 is --weight-decay 0.01" cmp -s "$T/pa1" "$T/pa2"
check "--alpha 0.5 changes the weights" sh -c "! cmp -s '$T/pa1' '$T/pa3'"

# usage errors
expect_err "--epochs with --max-epochs" 2 "not both" pml-train --epochs 3 --max-epochs 9 -o "$T/x" "$T/train.pml"
expect_err "--max-epochs 0" 2 "--max-epochs" pml-train --max-epochs 0 -o "$T/x" "$T/train.pml"
expect_err "--tol nan" 2 "--tol" pml-train --tol nan -o "$T/x" "$T/train.pml"
expect_err "--alpha -1" 2 "--alpha" pml-train --alpha -1 -o "$T/x" "$T/train.pml"
expect_err "--patience -1" 2 "--patience" pml-train --patience -1 -o "$T/x" "$T/train.pml"
check "usage errors write nothing" test ! -e "$T/x"
done_testing
