#!/bin/sh
# retrain.sh: periodic retraining with a quality gate and hot reload (cron).
#
# New CSV/TSV/JSON-lines/svmlight files, or IDX pairs, dropped into the inbox
# (write them elsewhere and mv them in, so a half-written file is never
# seen) are collected and appended to the accumulated raw data; the whole is
# split again by hash (a test record stays a test record), cleaning and
# preprocessing are fitted on the training part, a new model is trained and
# evaluated against the serving one on the same test records, and promoted
# only if the gate passes. Then the running pml-serve-stdin gets SIGHUP.
# One line per run goes to the log. Run with --help for the options.

usage() {
	cat <<'EOF'
usage: retrain.sh [options]
Retrain on the files that arrived in the inbox; promote the new model only
if it passes the gate against the serving one; signal pml-serve-stdin.

  -d, --dir DIR          state directory (PML_RETRAIN_DIR, default .): holds
                         inbox/, data.mp (accumulated raw records), done/,
                         rejected/, model.pmm, retrain.log, .lock
  -i, --inbox DIR        where new files arrive (PML_INBOX, default DIR/inbox)
  -m, --model FILE       the serving model (PML_MODEL, default DIR/model.pmm)
  -p, --pid-file FILE    pml-serve-stdin's pid, signalled with SIGHUP after a
                         promotion (PML_SERVE_PID_FILE, default DIR/serve.pid)
  -l, --log FILE         one line per run is appended (PML_RETRAIN_LOG,
                         default DIR/retrain.log); also on stderr unless -q
      --collect OPTS     pml-collect options, e.g. '--label y --id id'
                         (PML_COLLECT_OPTS)
      --key COL          hash split key, a stable record id (PML_SPLIT_KEY;
                         default: the whole record)
      --salt TEXT        hash split salt (PML_SPLIT_SALT, default pml)
      --ratios R,R,R     train,validation,test shares (PML_SPLIT_RATIOS,
                         default 0.7,0.15,0.15)
      --clean OPTS       pml-clean options fitted on train (PML_CLEAN_OPTS)
      --preprocess OPTS  pml-preprocess options fitted on train
                         (PML_PREPROCESS_OPTS, default "--scale '*=standard'")
      --train OPTS       pml-train options (PML_TRAIN_OPTS)
      --min M=V          gate: new model's METRIC at least V on the test part
                         (PML_GATE_MIN, space-separated list; default
                         accuracy=0.5)
      --max-drop M=D     gate: no worse than the serving model by more than D
                         (PML_GATE_MAX_DROP, list; default accuracy=0.01);
                         both gates are pml-eval's, on raw test records;
                         for a regression use e.g. --min r2=0.8
                         --max-drop rmse=0.5
      --gate-on SET      the gate's test records: trusted (default: the test
                         part of the data accepted so far, so a bad batch
                         cannot vote on its own records) or all (the test
                         part of old and new data) (PML_GATE_ON)
      --wait SECONDS     wait that long for the lock (PML_LOCK_WAIT, default 0:
                         if another run holds it, log and exit 0)
      --force            retrain even when the inbox is empty
  -q, --quiet            log line to the log file only
  -h, --help             show this help

New CSV, TSV and JSON-lines files are read with the accumulated data's
schema (pml-collect --schema-from), else the serving model's; a file that
cannot be read so moves to rejected/ with a log line naming it, and the
other files go on.

Exit status: 0 promoted, nothing to do, or another run busy; 1 a step
failed (the serving model is untouched; the new files stay in the inbox),
or every new file was rejected;
2 usage; 3 the gate failed (the new files move to rejected/ and are not
kept in the accumulated data; the serving model is untouched).
Tools are found through PATH, or in PML_BIN if set.
EOF
}

DIR=${PML_RETRAIN_DIR:-.}
INBOX=${PML_INBOX:-}
MODEL=${PML_MODEL:-}
PIDFILE=${PML_SERVE_PID_FILE:-}
LOG=${PML_RETRAIN_LOG:-}
COLLECT_OPTS=${PML_COLLECT_OPTS:-}
KEY=${PML_SPLIT_KEY:-}
SALT=${PML_SPLIT_SALT:-pml}
RATIOS=${PML_SPLIT_RATIOS:-0.7,0.15,0.15}
CLEAN_OPTS=${PML_CLEAN_OPTS:-}
PREPROCESS_OPTS=${PML_PREPROCESS_OPTS-"--scale '*=standard'"}
TRAIN_OPTS=${PML_TRAIN_OPTS:-}
GATE_MIN=${PML_GATE_MIN-accuracy=0.5}
GATE_MAX_DROP=${PML_GATE_MAX_DROP-accuracy=0.01}
WAIT=${PML_LOCK_WAIT:-0}
GATE_ON=${PML_GATE_ON:-trusted}
FORCE=0
QUIET=0
[ -n "${PML_BIN:-}" ] && PATH="$PML_BIN:$PATH"

need() { [ $# -ge 2 ] || { echo "retrain.sh: option '$1' needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case $1 in
	-d|--dir) need "$@"; DIR=$2; shift ;;
	-i|--inbox) need "$@"; INBOX=$2; shift ;;
	-m|--model) need "$@"; MODEL=$2; shift ;;
	-p|--pid-file) need "$@"; PIDFILE=$2; shift ;;
	-l|--log) need "$@"; LOG=$2; shift ;;
	--collect) need "$@"; COLLECT_OPTS=$2; shift ;;
	--key) need "$@"; KEY=$2; shift ;;
	--salt) need "$@"; SALT=$2; shift ;;
	--ratios) need "$@"; RATIOS=$2; shift ;;
	--clean) need "$@"; CLEAN_OPTS=$2; shift ;;
	--preprocess) need "$@"; PREPROCESS_OPTS=$2; shift ;;
	--train) need "$@"; TRAIN_OPTS=$2; shift ;;
	--min) need "$@"; GATE_MIN=$2; shift ;;
	--max-drop) need "$@"; GATE_MAX_DROP=$2; shift ;;
	--wait) need "$@"; WAIT=$2; shift ;;
	--gate-on) need "$@"; GATE_ON=$2; shift ;;
	--force) FORCE=1 ;;
	-q|--quiet) QUIET=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "retrain.sh: unknown option '$1'" >&2; echo "Try 'retrain.sh --help'." >&2; exit 2 ;;
	esac
	shift
done
case $GATE_ON in trusted|all) ;; *) echo "retrain.sh: --gate-on: trusted or all, not '$GATE_ON'" >&2; exit 2 ;; esac
case $WAIT in ''|*[!0-9]*) echo "retrain.sh: --wait: not a number of seconds: '$WAIT'" >&2; exit 2 ;; esac
mkdir -p "$DIR" || exit 1
DIR=$(cd "$DIR" && pwd) || exit 1
: "${INBOX:=$DIR/inbox}" "${MODEL:=$DIR/model.pmm}" "${PIDFILE:=$DIR/serve.pid}" "${LOG:=$DIR/retrain.log}"
DATA=$DIR/data.mp
mkdir -p "$INBOX" "$DIR/done" "$DIR/rejected" || exit 1

# one line per run, to the log (and stderr)
log() {
	line="$(date -u +%Y-%m-%dT%H:%M:%SZ) retrain[$$]: $*"
	[ "${waiting:-0}" = 0 ] || line="$line; $waiting IDX images file(s) wait for their labels file"
	printf '%s\n' "$line" >> "$LOG"
	[ "$QUIET" = 1 ] || printf '%s\n' "$line" >&2
}

for t in flock pml-collect pml-clean pml-split pml-preprocess pml-train pml-eval pml-cat; do
	command -v "$t" >/dev/null 2>&1 || { log "failed: '$t' not found in PATH ($PATH)"; exit 1; }
done

# never two runs at once: the lock is held until this shell exits
exec 9>> "$DIR/.lock" || exit 1
if ! flock -w "$WAIT" 9; then
	log "skipped: another run holds $DIR/.lock"
	exit 0
fi

# the new files, oldest name first; an IDX images file brings its labels file
NEW=$(mktemp "$DIR/.new.XXXXXX") || exit 1
WORK=$(mktemp -d "$DIR/.work.XXXXXX") || { rm -f "$NEW"; exit 1; }
trap 'rm -rf "$WORK" "$NEW"' EXIT
trap 'exit 1' HUP INT TERM
n_new=0
for f in "$INBOX"/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in
	*labels-idx1-ubyte|*labels-idx1-ubyte.gz|*labels.idx1-ubyte|*labels.idx1-ubyte.gz) continue ;;
	*images-idx3-ubyte|*images-idx3-ubyte.gz|*images.idx3-ubyte|*images.idx3-ubyte.gz)
		l=$(printf '%s\n' "$f" | sed 's/images\([.-]\)idx3/labels\1idx1/')
		[ -f "$l" ] || { printf 'wait\t%s\t\n' "$f"; continue; }
		printf 'idx\t%s\t%s\n' "$f" "$l" ;;
	*.csv|*.csv.gz|*.tsv|*.tsv.gz|*.jsonl|*.jsonl.gz|*.json|*.json.gz|*.ndjson|*.ndjson.gz|*.svm|*.svm.gz|*.libsvm|*.libsvm.gz|*.svmlight|*.svmlight.gz)
		printf 'file\t%s\t\n' "$f" ;;
	*) continue ;;
	esac
done > "$NEW"
waiting=$(grep -c '^wait' "$NEW")
grep -v '^wait' "$NEW" > "$NEW.tmp"; mv -f "$NEW.tmp" "$NEW"
n_new=$(wc -l < "$NEW" | tr -d ' ')
if [ "$n_new" = 0 ] && [ "$FORCE" = 0 ]; then
	log "nothing to do: no new file in $INBOX"
	exit 0
fi

STEP=
fail() {
	log "failed at $STEP: ${1:-see the messages above}; serving model untouched, $n_new new file(s) left in the inbox"
	exit 1
}
run() { # run STEP CMD...: stderr into $WORK/err, shown on failure
	STEP=$1; shift
	"$@" 2> "$WORK/err" || { cat "$WORK/err" >&2; fail "$(tail -n 1 "$WORK/err")"; }
}

# 数据收集 collect each new file; append to the accumulated raw data.
# CSV, TSV and JSON lines are read with the schema of the accumulated data
# (else of the serving model, else of this run's first good file): a batch
# whose float column holds only whole numbers stays float. A file that
# cannot be read so moves to rejected/ with a log line naming it, and the
# other files go on.
SCHEMA=
if [ -f "$DATA" ]; then SCHEMA=$DATA; elif [ -f "$MODEL" ]; then SCHEMA=$MODEL; fi
i=0
n_rej=0
: > "$WORK/new.ok"
while IFS='	' read -r kind f l; do
	i=$((i + 1))
	STEP=collect
	from=
	case ${f##*/} in
	*.svm|*.svm.gz|*.libsvm|*.libsvm.gz|*.svmlight|*.svmlight.gz) ;;
	*) [ "$kind" = idx ] || from=$SCHEMA ;;
	esac
	if [ "$kind" = idx ]; then
		eval "pml-collect -q $COLLECT_OPTS -o \"\$WORK/new\$i.mp\" --idx \"\$f\" \"\$l\"" 2> "$WORK/err"
	else
		eval "pml-collect -q $COLLECT_OPTS \${from:+--schema-from \"\$from\"} -o \"\$WORK/new\$i.mp\" \"\$f\"" 2> "$WORK/err"
	fi
	rc=$?
	if [ "$rc" = 0 ]; then
		printf '%s\t%s\t%s\n' "$kind" "$f" "$l" >> "$WORK/new.ok"
		[ -n "$SCHEMA" ] || [ "$kind" = idx ] || SCHEMA=$WORK/new$i.mp
		continue
	fi
	cat "$WORK/err" >&2
	[ "$rc" = 2 ] && fail "$(tail -n 1 "$WORK/err")"   # a usage error: the options, not the file
	rm -f "$WORK/new$i.mp"
	mv -f "$f" "$DIR/rejected/" && { [ -z "$l" ] || mv -f "$l" "$DIR/rejected/"; }
	n_rej=$((n_rej + 1))
	log "rejected $f: $(tail -n 1 "$WORK/err" | sed 's/^pml-collect: error: //'); moved to $DIR/rejected/"
done < "$NEW"
mv -f "$WORK/new.ok" "$NEW"
n_new=$(wc -l < "$NEW" | tr -d ' ')
rejected=
[ "$n_rej" = 0 ] || rejected="; $n_rej file(s) rejected"
if [ "$n_new" = 0 ] && [ "$n_rej" != 0 ] && [ "$FORCE" = 0 ]; then
	log "nothing to train on: every new file was rejected$rejected"
	exit 1
fi
set --
[ -f "$DATA" ] && set -- "$DATA"
j=1
while [ "$j" -le "$i" ]; do
	if [ ! -f "$WORK/new$j.mp" ]; then j=$((j + 1)); continue; fi
	# streams concatenate only with equal fitted chains: new records get
	# the accumulated data's chain first
	if [ -f "$DATA" ]; then
		run append pml-clean -q --apply "$DATA" -o "$WORK/new$j.a.mp" "$WORK/new$j.mp"
		mv -f "$WORK/new$j.a.mp" "$WORK/new$j.mp"
	fi
	set -- "$@" "$WORK/new$j.mp"
	j=$((j + 1))
done
[ $# -gt 0 ] || { STEP=collect; fail "no data at all"; }
run append pml-clean -q -o "$WORK/data.mp" "$@"

# 数据分割 split by hash: test records stay test records
set -- --hash --salt "$SALT"
[ -n "$KEY" ] && set -- "$@" --key "$KEY"
run split pml-split -q "$@" --ratios "$RATIOS" \
	-o "$WORK/train.raw" -o "$WORK/val.raw" -o "$WORK/test.raw" "$WORK/data.mp"

# the gate's test set: the test part of the data accepted so far (the same
# records, by hash, as in the split above), so that a bad new batch cannot
# vote on its own test records; the whole test part on the first run or
# with --gate-on all
TEST=$WORK/test.raw
if [ "$GATE_ON" = trusted ] && [ -f "$DATA" ] && [ -f "$MODEL" ]; then
	run split pml-split -q "$@" --ratios "$RATIOS" \
		-o "$WORK/old.train" -o "$WORK/old.val" -o "$WORK/trusted.raw" "$DATA"
	TEST=$WORK/trusted.raw
fi

# 数据清洗, 数据预处理: fitted on train, applied to validation
eval "run clean pml-clean -q $CLEAN_OPTS -o \"\$WORK/train.clean\" \"\$WORK/train.raw\""
eval "run preprocess pml-preprocess -q $PREPROCESS_OPTS -o \"\$WORK/train.mp\" \"\$WORK/train.clean\""
run preprocess pml-preprocess -q --apply "$WORK/train.mp" -o "$WORK/val.mp" "$WORK/val.raw"

# 模型训练
eval "run train pml-train -q $TRAIN_OPTS --val \"\$WORK/val.mp\" -o \"\$WORK/new.pmm\" \"\$WORK/train.mp\""

# 模型评估: the new model, and the serving one as baseline, on the raw test part
set --
for g in $GATE_MIN; do set -- "$@" --min "$g"; done
if [ -f "$MODEL" ]; then
	set -- "$@" --baseline "$MODEL"
	for g in $GATE_MAX_DROP; do set -- "$@" --max-drop "$g"; done
fi
STEP=eval
rc=0
pml-eval -q -j -m "$WORK/new.pmm" "$@" -o "$WORK/report.json" "$TEST" 2> "$WORK/err" || rc=$?
acc=$(sed -n 's/.*"accuracy":\([-0-9.e+]*\).*/\1/p' "$WORK/report.json" 2>/dev/null | head -n 1)
base=
[ -f "$MODEL" ] && base=$(grep -o '"metric":"[^"]*","kind":"max_drop","limit":[^,]*,"value":[^,]*,"baseline":[-0-9.e+]*' \
	"$WORK/report.json" 2>/dev/null | head -n 1 | sed 's/.*"baseline"://')
ntest=$(sed -n 's/^{"task":"[a-z]*","records":\([0-9]*\).*/\1/p' "$WORK/report.json" 2>/dev/null)
what="new model ${acc:+accuracy $acc}${base:+ (serving model $base)} on ${ntest:-?} test records"
if [ "$rc" = 3 ]; then
	cat "$WORK/err" >&2
	while IFS='	' read -r kind f l; do
		mv -f "$f" "$DIR/rejected/" && { [ -z "$l" ] || mv -f "$l" "$DIR/rejected/"; }
	done < "$NEW"
	log "gate failed: $what: $(sed 's/^pml-eval: gate failed: //' "$WORK/err" | paste -sd';' -); serving model untouched; $n_new new file(s) moved to rejected/$rejected"
	exit 3
elif [ "$rc" != 0 ]; then
	cat "$WORK/err" >&2
	fail "$(tail -n 1 "$WORK/err")"
fi

# promote: copy next to the target and rename over it (atomic); keep the old
STEP=promote
mdir=$(dirname "$MODEL")
tmp=$(mktemp "$mdir/.model.XXXXXX") || fail "cannot create a file in $mdir"
cp "$WORK/new.pmm" "$tmp" || { rm -f "$tmp"; fail "cannot copy the new model to $mdir"; }
sync "$tmp" 2>/dev/null || true
chmod 644 "$tmp"
[ -f "$MODEL" ] && { cp -p "$MODEL" "$MODEL.prev.tmp" && mv -f "$MODEL.prev.tmp" "$MODEL.prev" || true; }
mv -f "$tmp" "$MODEL" || { rm -f "$tmp"; fail "cannot rename into $MODEL"; }
# the data now counts as accumulated; the new files are done
warn=
cp "$WORK/data.mp" "$DATA.tmp" && mv -f "$DATA.tmp" "$DATA" ||
	warn="; WARNING: $DATA not updated, the next run's test set is off"
while IFS='	' read -r kind f l; do
	mv -f "$f" "$DIR/done/" && { [ -z "$l" ] || mv -f "$l" "$DIR/done/"; }
done < "$NEW"

# 模型部署: hot reload
sig="no pid file $PIDFILE"
if [ -s "$PIDFILE" ]; then
	pid=$(head -n 1 "$PIDFILE")
	case $pid in
	''|*[!0-9]*) sig="bad pid file $PIDFILE" ;;
	*) if kill -HUP "$pid" 2>/dev/null; then sig="SIGHUP sent to pml-serve-stdin $pid"
	   else sig="pml-serve-stdin $pid not running"; fi ;;
	esac
fi
log "promoted: $what; $n_new new file(s)$rejected, $(pml-cat --count "$DATA" 2>/dev/null || echo '?') records in all; $sig$warn"
exit 0
