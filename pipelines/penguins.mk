# penguins.mk: a messy real CSV end to end, the Palmer penguins raw data.
#
#   make -f pipelines/penguins.mk                   (results in penguins-out/)
#   make -f pipelines/penguins.mk OUT=/tmp/p HIDDEN=32 EPOCHS=100
#
# Accuracy reached (defaults, seed 42, 2 cores, OPENBLAS_NUM_THREADS=1):
# 0.9855 on the 69 test penguins (68 right: one Gentoo taken for an Adelie),
# validation accuracy 1.0 on 45, with 230 for training.
#
# The raw CSV has quoted fields with commas, NA, strings and dates, missing
# measurements and sexes. The flow, leak-free as in pml(7):
#   collect     every column, Species as the label, Sample Number as the id
#   split       by a hash of the sample id and a salt: a penguin stays in its
#               part when the file grows (sample numbers restart in each
#               study, so penguins sharing a number travel together)
#   clean       drop the bookkeeping columns; impute: median of each numeric
#               column, most frequent Sex and Clutch Completion (fitted on
#               the training part only)
#   preprocess  one-hot Island, Sex and Clutch Completion, standardise the
#               numbers (fitted on the training part, applied to validation)
#   train       a small MLP on species, best epoch on validation
#   eval        on the raw test part: the model carries the fitted chain
#   serve       a few raw test records as JSON lines through pml-serve-stdin
#
# The CSV comes from Debian's r-cran-palmerpenguins; if it is missing the
# pipeline runs scripts/deps.sh install-penguins (as root) to extract it.

PML_TOP ?= $(CURDIR)
PML_BIN ?= $(PML_TOP)/bin
CSV ?= /usr/share/datasets/palmerpenguins/penguins_raw.csv
OUT ?= penguins-out

SALT ?= penguins
RATIOS ?= 0.7,0.15,0.15
DROP ?= studyName,Region,Stage,Individual ID,Date Egg,Comments
HIDDEN ?= 16
ACTIVATION ?= relu
LR ?= 0.01
BATCH ?= 32
EPOCHS ?= 60
SEED ?= 42
TRAIN_OPTS ?=
SERVE_N ?= 8

P := $(PML_BIN)/
TRAIN_ARGS := --hidden $(HIDDEN) --activation $(ACTIVATION) --lr $(LR) --batch $(BATCH) \
	--epochs $(EPOCHS) --seed $(SEED) $(TRAIN_OPTS)

all: $(OUT)/report.txt $(OUT)/replies.jsonl
	@echo
	@echo "== evaluation on the test part (raw records, hash split)"
	@cat $(OUT)/report.txt
	@echo
	@echo "== $(SERVE_N) test penguins served as JSON lines by pml-serve-stdin"
	@cat $(OUT)/replies.jsonl

$(CSV):
	$(PML_TOP)/scripts/deps.sh install-penguins

$(OUT)/.dir:
	@mkdir -p $(OUT) && touch $@

# 数据收集 collect: every column as it is, types inferred
$(OUT)/raw.mp: $(CSV) | $(OUT)/.dir
	$(P)pml-collect -q --label Species --id 'Sample Number' -o $@ $<

# 数据分割 split by a hash of the sample id: stable when data is appended
$(OUT)/train.raw $(OUT)/val.raw $(OUT)/test.raw &: $(OUT)/raw.mp
	$(P)pml-split -q -v --hash --key 'Sample Number' --salt '$(SALT)' --ratios $(RATIOS) \
		-o $(OUT)/train.raw -o $(OUT)/val.raw -o $(OUT)/test.raw $<

# 数据清洗 clean: drop bookkeeping columns, impute (fitted on train)
$(OUT)/train.clean: $(OUT)/train.raw
	$(P)pml-clean -q -v --drop '$(DROP)' --fill '*=median' --fill Sex=mode \
		--fill 'Clutch Completion=mode' -o $@ $<

# 数据预处理 preprocess: one-hot the strings, standardise the numbers
$(OUT)/train.mp: $(OUT)/train.clean
	$(P)pml-preprocess -q --scale '*=standard' -o $@ $<
$(OUT)/val.mp: $(OUT)/val.raw $(OUT)/train.mp
	$(P)pml-preprocess -q --apply $(OUT)/train.mp -o $@ $<

# 模型训练 train, keeping the best epoch on the validation part
$(OUT)/model.pmm: $(OUT)/train.mp $(OUT)/val.mp
	$(P)pml-train -q $(TRAIN_ARGS) --val $(OUT)/val.mp --log $(OUT)/train.log -o $@ $(OUT)/train.mp

# 模型评估 evaluate on the raw test part (report and JSON for scripts)
$(OUT)/report.txt $(OUT)/report.json &: $(OUT)/model.pmm $(OUT)/test.raw
	$(P)pml-eval -q -m $(OUT)/model.pmm -o $(OUT)/report.txt $(OUT)/test.raw
	$(P)pml-eval -q -j -m $(OUT)/model.pmm -o $(OUT)/report.json $(OUT)/test.raw

# 模型部署 serve raw test records, as pml-cat shows them, as JSON lines
$(OUT)/replies.jsonl: $(OUT)/model.pmm $(OUT)/test.raw
	$(P)pml-cat --head $(SERVE_N) $(OUT)/test.raw > $(OUT)/requests.jsonl
	$(P)pml-serve-stdin -q --format json --id 'Sample Number' $(OUT)/model.pmm \
		< $(OUT)/requests.jsonl > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(OUT)

.PHONY: all clean
.DELETE_ON_ERROR:
