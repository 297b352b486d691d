# database.mk: records from where business data lives — PostgreSQL, SQLite,
# a JSON API — a model trained on them, its predictions written back.
#
#   make -f pipelines/database.mk SOURCE=postgres QUERY='SELECT * FROM visits' \
#        LABEL=churned ID=id PRED_TABLE=visit_scores      (PG* variables say where)
#   make -f pipelines/database.mk SOURCE=sqlite SQLITE_DB=shop.db QUERY='SELECT * FROM visits'
#   make -f pipelines/database.mk SOURCE=api API_URL=http://127.0.0.1:8000/visits.jsonl
#
# Each source is read through its own exporter, never a driver linked into
# pml:
#   postgres  psql --csv -c "$QUERY" | pml-collect --csv -
#             (connection from PGHOST, PGPORT, PGUSER, PGDATABASE, as psql reads them)
#   sqlite    sqlite3 -csv -header DB "$QUERY" | pml-collect --csv -
#   api       curl -sSf URL | pml-collect --json -      (JSON lines, one object per record)
# Column types follow the database's: integer -> int, numeric/real/double ->
# float, text -> str, boolean -> bool (psql prints t/f, SQLite 0/1 -> int),
# NULL -> missing; a timestamp arrives as text (str): leave it out of the
# features with DROP, or select EXTRACT(EPOCH FROM ts) for a number.
#
# The flow (leak-free, as in pml(7)):
#   collect     QUERY's rows, LABEL as the label, ID as the id
#   split       by a hash of ID: train and test
#   clean       drop DROP, fill missing numbers with the median and FILL
#   preprocess  standardise the numbers, one-hot the strings and booleans
#   train       a small MLP;  eval  on the raw test part
#   predict     PRED_QUERY's rows (default QUERY) through pml-predict, with
#               PREFIX-named columns appended, written back:
#     postgres  ... | pml-predict | psql -c '\copy PRED_TABLE FROM pstdin CSV HEADER'
#               (PRED_TABLE must exist, with PRED_QUERY's columns then
#               PREFIXpredicted and PREFIXprob_CLASS per class, in that order)
#     sqlite    ... | pml-predict | sqlite3 DB '.import --csv --skip 1 /dev/stdin PRED_TABLE'
#     api       the JSON lines with the predictions in $(OUT)/predictions.jsonl
#
# Targets: all (default: collect, train, eval, predict and write back),
# model, report, writeback, clean. The sources are read once; `make -B`
# or `make clean` reads them again.

PML_TOP ?= $(CURDIR)
PML_BIN ?= $(PML_TOP)/bin
OUT ?= database-out

SOURCE ?= postgres
QUERY ?= SELECT * FROM records
PRED_QUERY ?= $(QUERY)
API_URL ?=
PRED_URL ?= $(API_URL)
SQLITE_DB ?= data.db
LABEL ?= label
ID ?= id
DROP ?=
FILL ?=
PREFIX ?= pred_
PRED_TABLE ?= predictions
RATIOS ?= 0.8,0.2
SALT ?= database
HIDDEN ?= 16
EPOCHS ?= 100
SEED ?= 42
TRAIN_OPTS ?=

PSQL ?= psql -X -q -v ON_ERROR_STOP=1
SQLITE ?= sqlite3 -bail
CURL ?= curl -sSf --max-time 60

P := $(PML_BIN)/
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
# the queries travel in the environment: any quoting inside them is safe
export QUERY PRED_QUERY

ifeq ($(SOURCE),postgres)
EXPORT := $(PSQL) --csv -c "$$QUERY"
PRED_EXPORT := $(PSQL) --csv -c "$$PRED_QUERY"
FORMAT := --csv
PRED_OUT := $(OUT)/predictions.csv
WRITE_BACK = $(PSQL) -c '\copy $(PRED_TABLE) FROM pstdin CSV HEADER'
else ifeq ($(SOURCE),sqlite)
EXPORT := $(SQLITE) -csv -header '$(SQLITE_DB)' "$$QUERY"
PRED_EXPORT := $(SQLITE) -csv -header '$(SQLITE_DB)' "$$PRED_QUERY"
FORMAT := --csv
PRED_OUT := $(OUT)/predictions.csv
WRITE_BACK = $(SQLITE) '$(SQLITE_DB)' '.import --csv --skip 1 /dev/stdin $(PRED_TABLE)'
else ifeq ($(SOURCE),api)
EXPORT := $(CURL) '$(API_URL)'
PRED_EXPORT := $(CURL) '$(PRED_URL)'
FORMAT := --json
PRED_OUT := $(OUT)/predictions.jsonl
WRITE_BACK = cat > /dev/null
else
$(error SOURCE must be postgres, sqlite or api, not '$(SOURCE)')
endif

DROP_OPT := $(if $(DROP),--drop '$(DROP)')
FILL_OPTS := $(foreach f,$(FILL),--fill '$(f)')

all: $(OUT)/report.txt $(OUT)/writeback.done
	@echo "== evaluation on the test part"
	@cat $(OUT)/report.txt
	@echo "== $$(($$(wc -l < $(PRED_OUT)) - $(if $(filter api,$(SOURCE)),0,1))) records predicted into $(if $(filter api,$(SOURCE)),$(PRED_OUT),$(SOURCE) table $(PRED_TABLE))"

$(OUT)/.dir:
	@mkdir -p $(OUT) && touch $@

# 数据收集 collect, through the source's own exporter
$(OUT)/raw.mp: | $(OUT)/.dir
	$(EXPORT) | $(P)pml-collect -q $(FORMAT) --label '$(LABEL)' --id '$(ID)' -o $@ -

# 数据分割 split by a hash of the id: a record keeps its part as the table grows
$(OUT)/train.raw $(OUT)/test.raw &: $(OUT)/raw.mp
	$(P)pml-split -q --hash --key '$(ID)' --salt '$(SALT)' --ratios $(RATIOS) \
		-o $(OUT)/train.raw -o $(OUT)/test.raw $<

# 数据清洗 clean and 数据预处理 preprocess, fitted on the training part
$(OUT)/train.mp: $(OUT)/train.raw
	$(P)pml-clean -q $(DROP_OPT) --fill '*=median' $(FILL_OPTS) $< | \
		$(P)pml-preprocess -q --scale '*=standard' -o $@

# 模型训练 train
$(OUT)/model.pmm: $(OUT)/train.mp
	$(P)pml-train -q --hidden $(HIDDEN) --epochs $(EPOCHS) --seed $(SEED) $(TRAIN_OPTS) -o $@ $<

# 模型评估 evaluate on the raw test part
$(OUT)/report.txt: $(OUT)/model.pmm $(OUT)/test.raw
	$(P)pml-eval -q -m $(OUT)/model.pmm -o $@ $(OUT)/test.raw

# 模型部署 predict the rows of PRED_QUERY and write them back
$(OUT)/writeback.done: $(OUT)/model.pmm
	$(PRED_EXPORT) | $(P)pml-predict -m $< --prefix '$(PREFIX)' | tee $(PRED_OUT) | $(WRITE_BACK)
	touch $@

model: $(OUT)/model.pmm
report: $(OUT)/report.txt
writeback: $(OUT)/writeback.done

clean:
	rm -rf $(OUT)

.PHONY: all model report writeback clean
.DELETE_ON_ERROR:
