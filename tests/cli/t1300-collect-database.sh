#!/bin/sh
# pipelines/database.mk against a real PostgreSQL (initdb in a temporary
# folder, a unix socket there, no TCP), SQLite, and a JSON API served by a
# local HTTP server on 127.0.0.1: column types follow the database's, a
# model is trained, and the predictions are written back into a table.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PY=/usr/bin/python3
PGD= http_pid=
cleanup() {
	if [ -n "$PGD" ] && [ -f "$PGD/data/postmaster.pid" ]; then
		as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate -w stop > /dev/null 2>&1
	fi
	[ -n "$http_pid" ] && kill "$http_pid" 2> /dev/null
	[ -n "$PGD" ] && rm -rf "$PGD"
	rm -rf "$T"
}
trap cleanup EXIT
# initdb refuses root: the server runs as the postgres user
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mk() { make -s -f "$PML_TOP/pipelines/database.mk" PML_TOP="$PML_TOP" EPOCHS=200 HIDDEN=8 "$@"; }

# 240 visits: amount (numeric), visits (integer), plan (text), member
# (boolean), seen (timestamp), some NULLs; churned when amount is low and
# member is false
awk 'BEGIN { srand(13)
	for (i = 1; i <= 240; i++) {
		a = rand() * 100; v = int(rand() * 20); m = rand() < 0.5 ? "true" : "false"
		p = rand() < 0.5 ? "basic" : "gold"
		c = (a + (m == "true" ? 40 : 0) < 50) ? "yes" : "no"
		printf "%d,%s,%s,%s,%s,2024-%02d-%02d 10:00:00,%s\n", i, (i % 17 ? sprintf("%.2f", a) : ""),
			(i % 19 ? v : ""), (i % 23 ? p : ""), (i % 29 ? m : ""), 1 + i % 12, 1 + i % 28, c } }' > visits.csv

# -- PostgreSQL ---------------------------------------------------------------
if [ -z "$PGBIN" ] || ! command -v psql > /dev/null 2>&1; then
	ok "# SKIP PostgreSQL is not installed (scripts/deps.sh install-test installs postgresql)"
else
	PGD=$(mktemp -d "${TMPDIR:-/tmp}/pml-pg.XXXXXX")
	[ "$(id -u)" = 0 ] && chown postgres "$PGD"
	expect "initdb" 0 as_pg "$PGBIN/initdb" -D "$PGD/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync
	expect "pg_ctl start (unix socket only)" 0 as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 30 \
		-o "-k $PGD -c listen_addresses= -c fsync=off" start
	export PGHOST="$PGD" PGUSER=postgres PGDATABASE=postgres
	q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
	expect "create and fill the table" 0 q -c "CREATE TABLE visits (id integer PRIMARY KEY,
		amount numeric(8,2), visits integer, plan text, member boolean, seen timestamp, churned text)" \
		-c "\\copy visits FROM '$T/visits.csv' CSV"
	expect "the server listens on no TCP port" 0 sh -c "q() { psql -X -At -c \"\$1\"; }; test \"\$(q 'SHOW listen_addresses')\" = ''"

	expect_err "pipeline: collect, train, predict; no table to write back to" 2 'relation "scores" does not exist' mk OUT="$T/pg" SOURCE=postgres \
		QUERY='SELECT * FROM visits ORDER BY id' PRED_QUERY='SELECT * FROM visits WHERE id > 200 ORDER BY id' \
		LABEL=churned ID=id DROP=seen FILL='plan=mode member=mode' PRED_TABLE=scores
	# the scores table did not exist: the first run fails at the write-back, after predicting
	check "no write-back into a missing table" test ! -e "$T/pg/writeback.done"
	expect "create the scores table" 0 q -c "CREATE TABLE scores (id integer, amount numeric(8,2),
		visits integer, plan text, member boolean, seen timestamp, churned text,
		pred_predicted text, pred_prob_no double precision, pred_prob_yes double precision)"
	expect "write back" 0 mk OUT="$T/pg" SOURCE=postgres \
		QUERY='SELECT * FROM visits ORDER BY id' PRED_QUERY='SELECT * FROM visits WHERE id > 200 ORDER BY id' \
		LABEL=churned ID=id DROP=seen FILL='plan=mode member=mode' PRED_TABLE=scores
	expect "column types follow the database's" 0 pml-cat --schema "$T/pg/raw.mp"
	for ct in id:int amount:float visits:int plan:str member:bool seen:str churned:str; do
		check "column ${ct%%:*} is ${ct#*:}" grep -q "\"name\":\"${ct%%:*}\",\"type\":\"${ct#*:}\"" out
	done
	expect_out "every row collected" 240 pml-cat --count "$T/pg/raw.mp"
	expect_out "NULL is missing" "null" sh -c "pml-cat --json '$T/pg/raw.mp' | sed -n 17p | sed 's/.*\"amount\":\\([a-z0-9.]*\\).*/\\1/'"
	expect_out "t/f read as booleans" "true false" sh -c "pml-cat --csv '$T/pg/raw.mp' | awk -F, 'NR > 1 { s[\$5] = 1 } END { printf \"%s %s\", (\"true\" in s) ? \"true\" : \"-\", (\"false\" in s) ? \"false\" : \"-\" }'"
	expect_out "40 rows written back" 40 q -At -c "SELECT count(*) FROM scores"
	expect_out "every row has a class and probabilities summing to 1" 40 q -At -c \
		"SELECT count(*) FROM scores WHERE pred_predicted IN ('yes', 'no')
		 AND abs(pred_prob_no + pred_prob_yes - 1) < 1e-5"
	expect_out "the rows are the source rows, NULLs kept" 0 q -At -c \
		"SELECT count(*) FROM scores s JOIN visits v USING (id) WHERE
		 s.amount IS DISTINCT FROM v.amount OR s.member IS DISTINCT FROM v.member OR s.seen IS DISTINCT FROM v.seen"
	acc=$(q -At -c "SELECT avg((pred_predicted = churned)::int) FROM scores")
	echo "# accuracy on the written-back rows: $acc"
	check "the predictions are mostly right ($acc >= 0.85)" awk -v a="$acc" 'BEGIN { exit !(a + 0 >= 0.85) }'
	check "predictions file is pml-predict's CSV" test "$(head -1 "$T/pg/predictions.csv")" = \
		"id,amount,visits,plan,member,seen,churned,pred_predicted,pred_prob_no,pred_prob_yes"
	expect_err "a bad query fails the pipeline" 2 "ERROR" mk OUT="$T/pg2" SOURCE=postgres QUERY='SELECT * FROM nope' model
	check "and leaves no stream behind" test ! -e "$T/pg2/raw.mp"
fi

# -- SQLite -----------------------------------------------------------------------
if ! command -v sqlite3 > /dev/null 2>&1; then
	ok "# SKIP sqlite3 is not installed (scripts/deps.sh install-test installs it)"
else
	sed 's/,true,/,1,/; s/,false,/,0,/' visits.csv > visits01.csv
	expect "sqlite database" 0 sqlite3 -bail shop.db "CREATE TABLE visits (id INTEGER PRIMARY KEY, amount REAL,
		visits INTEGER, plan TEXT, member INTEGER, seen TEXT, churned TEXT);
		CREATE TABLE scores (id, amount, visits, plan, member, seen, churned, pred_predicted, pred_prob_no, pred_prob_yes);" \
		".import --csv '$T/visits01.csv' visits" "UPDATE visits SET amount = NULL WHERE amount = ''"
	expect "pipeline from SQLite, written back" 0 mk OUT="$T/sq" SOURCE=sqlite SQLITE_DB="$T/shop.db" \
		QUERY='SELECT * FROM visits ORDER BY id' PRED_QUERY='SELECT * FROM visits WHERE id > 200' \
		LABEL=churned ID=id DROP=seen FILL='plan=mode' PRED_TABLE=scores
	expect "sqlite: schema" 0 pml-cat --schema "$T/sq/raw.mp"
	for ct in id:int amount:float visits:int member:int churned:str; do
		check "sqlite: column ${ct%%:*} is ${ct#*:}" grep -q "\"name\":\"${ct%%:*}\",\"type\":\"${ct#*:}\"" out
	done
	expect_out "sqlite: 40 rows written back" 40 sqlite3 shop.db "SELECT count(*) FROM scores WHERE pred_predicted IN ('yes','no')"
fi

# -- a JSON API over HTTP on 127.0.0.1 -----------------------------------------------
if ! command -v curl > /dev/null 2>&1 || ! [ -x "$PY" ]; then
	ok "# SKIP curl or python3 is not installed"
else
	mkdir api
	awk -F, '{ printf "{\"id\":%d,\"amount\":%s,\"plan\":%s,\"member\":%s,\"churned\":\"%s\"}\n", $1,
		$2 == "" ? "null" : $2, $4 == "" ? "null" : "\"" $4 "\"", $5 == "" ? "null" : $5, $7 }' visits.csv > api/visits.jsonl
	# a file server on a free port of 127.0.0.1, for at most 120 s
	timeout 120 "$PY" -c '
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
h = functools.partial(Quiet, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()' "$T/api" "$T/port.tmp" &
	http_pid=$!
	i=0; while [ ! -s port.tmp ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	port=$(cat port.tmp 2> /dev/null)
	check "HTTP server on 127.0.0.1" test -n "$port"
	url=http://127.0.0.1:$port/visits.jsonl
	expect "curl | pml-collect --json -" 0 sh -c "curl -sSf --max-time 10 '$url' | pml-collect -q --json --label churned --id id - | pml-cat --schema"
	check "API: JSON types (number, string, boolean)" sh -c "grep -q '\"amount\",\"type\":\"float\"' '$T/out' && grep -q '\"member\",\"type\":\"bool\"' '$T/out'"
	expect "pipeline from the API" 0 mk OUT="$T/api-out" SOURCE=api API_URL="$url" LABEL=churned ID=id \
		FILL='plan=mode member=mode'
	expect_out "API: every record predicted" 240 grep -c '"pred_predicted":"\(yes\|no\)"' "$T/api-out/predictions.jsonl"
	expect_err "an unreachable API fails the pipeline" 2 "curl" mk OUT="$T/api-bad" SOURCE=api \
		API_URL="http://127.0.0.1:$port/nope.jsonl" model
fi
done_testing
