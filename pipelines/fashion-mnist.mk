# fashion-mnist.mk: Fashion-MNIST end to end as a Makefile workflow.
#
#   make -f pipelines/fashion-mnist.mk                  (or: make demo)
#   make -f pipelines/fashion-mnist.mk EPOCHS=20 HIDDEN=256,128
#
# Every stage is a target with real file dependencies, so changing only the
# training options retrains without collecting, splitting or preprocessing
# again, and a second run redoes nothing. The order is the leak-free one of
# pml(7): split the raw training set first, fit cleaning and preprocessing on
# the training part only, apply the fitted chain to the validation part; the
# model carries the chain, so the official test set and the served images go
# in raw, as pml-collect emits them.

PML_BIN ?= $(CURDIR)/bin
DATA ?= /usr/share/datasets/fashion-mnist
OUT ?= demo-out

# the network and the optimiser (the seed article's 784-100-10 by default):
# exactly EPOCHS epochs, no L2 and He initialisation, not pml-train's
# converge-by-default ones,
# so the demo gives the seed's results
HIDDEN ?= 100
ACTIVATION ?= relu
OPTIMIZER ?= adam
LR ?= 0.001
BATCH ?= 64
EPOCHS ?= 10
ALPHA ?= 0
INIT ?= he
SEED ?= 42
THREADS ?= 1
TRAIN_OPTS ?=
VAL_RATIO ?= 0.1
SERVE_N ?= 8

P := $(PML_BIN)/
TRAIN_ARGS := --hidden $(HIDDEN) --activation $(ACTIVATION) --optimizer $(OPTIMIZER) \
	--lr $(LR) --batch $(BATCH) --epochs $(EPOCHS) --alpha $(ALPHA) --init $(INIT) --seed $(SEED) \
	--threads $(THREADS) $(TRAIN_OPTS)

all: $(OUT)/report.txt $(OUT)/served.txt
	@echo
	@echo "== evaluation on the official test set (10000 images)"
	@cat $(OUT)/report.txt
	@echo
	@echo "== $(SERVE_N) test images served by pml-serve-stdin (true class -> answer)"
	@cat $(OUT)/served.txt
	@echo
	@echo "pictures: $(OUT)/learning-curve.svg (training) and $(OUT)/confusion.svg (test)"

$(OUT)/.dir:
	@mkdir -p $(OUT) && touch $@

# Option stamps: a stage reruns when its options change, not only its inputs.
define stamp
	@echo '$(1)' > $@.new; cmp -s $@.new $@ || mv $@.new $@; rm -f $@.new
endef
$(OUT)/split.opts: FORCE | $(OUT)/.dir
	$(call stamp,$(VAL_RATIO) $(SEED))
$(OUT)/train.opts: FORCE | $(OUT)/.dir
	$(call stamp,$(TRAIN_ARGS))

# 数据收集 collect: the official training and test sets
$(OUT)/train-all.raw: $(DATA)/train-images-idx3-ubyte.gz $(DATA)/train-labels-idx1-ubyte.gz | $(OUT)/.dir
	$(P)pml-collect -q --idx $^ --classes fashion-mnist -o $@
$(OUT)/test.raw: $(DATA)/t10k-images-idx3-ubyte.gz $(DATA)/t10k-labels-idx1-ubyte.gz | $(OUT)/.dir
	$(P)pml-collect -q --idx $^ --classes fashion-mnist -o $@

# 数据分割 split the raw training set: training and validation, stratified
$(OUT)/train.raw $(OUT)/val.raw &: $(OUT)/train-all.raw $(OUT)/split.opts
	$(P)pml-split -q -v --stratify --ratios $$(awk 'BEGIN { print 1 - $(VAL_RATIO) }'),$(VAL_RATIO) \
		--seed $(SEED) -o $(OUT)/train.raw -o $(OUT)/val.raw $(OUT)/train-all.raw

# 数据清洗 clean: drop exact duplicate images of the training part
$(OUT)/train.clean: $(OUT)/train.raw
	$(P)pml-clean -q -v --dedup -o $@ $<

# 数据预处理 preprocess: pixels / 255, fitted on training data, applied to validation
$(OUT)/train.mp: $(OUT)/train.clean
	$(P)pml-preprocess -q --scale 'image=factor:255' -o $@ $<
$(OUT)/val.mp: $(OUT)/val.raw $(OUT)/train.mp
	$(P)pml-preprocess -q --apply $(OUT)/train.mp -o $@ $<

# 模型训练 train, keeping the best epoch on the validation set
$(OUT)/model.pmm $(OUT)/learning-curve.svg &: $(OUT)/train.mp $(OUT)/val.mp $(OUT)/train.opts
	$(P)pml-train $(TRAIN_ARGS) --val $(OUT)/val.mp --plot $(OUT)/learning-curve.svg \
		--log $(OUT)/train.log -o $(OUT)/model.pmm $(OUT)/train.mp

# 模型评估 evaluate on the official test set, raw: the model applies its chain
$(OUT)/report.txt $(OUT)/confusion.svg &: $(OUT)/model.pmm $(OUT)/test.raw
	$(P)pml-eval -q -m $(OUT)/model.pmm --plot $(OUT)/confusion.svg -o $(OUT)/report.txt $(OUT)/test.raw

# 模型部署 serve a few raw test images as JSON lines through pml-serve-stdin
$(OUT)/served.txt: $(OUT)/model.pmm $(OUT)/test.raw
	$(P)pml-cat --head $(SERVE_N) $(OUT)/test.raw > $(OUT)/requests.jsonl
	$(P)pml-serve-stdin -q --format json --top-k 1 $(OUT)/model.pmm < $(OUT)/requests.jsonl > $(OUT)/replies.jsonl
	$(P)pml-cat --head $(SERVE_N) --csv $(OUT)/test.raw | sed 1d | awk -F, '{print $$NF}' > $(OUT)/truth.txt
	paste -d' ' $(OUT)/truth.txt $(OUT)/replies.jsonl | \
		awk '{ split("T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot", n, ","); \
			t = $$1; $$1 = ""; printf "%-12s -> %s\n", n[t + 1], $$0 }' > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(OUT)

.PHONY: all clean FORCE
FORCE:
.DELETE_ON_ERROR:
