# tables-export.R: write one table shipped in a Debian r-cran-* package as
# CSV, with one seeded train/test split shared by every tool of
# bench/tables.sh. R is used by the benchmark only, never by pml.
#
#   Rscript tables-export.R NAME DIR
#
# writes DIR/all.csv (the whole table, as R holds it), DIR/train.csv and
# DIR/test.csv (80/20, seed 1), and DIR/meta (label, task, rows, columns).
# Missing values are empty fields; factors are written as their level names.
args <- commandArgs(trailingOnly = TRUE)
name <- args[1]
dir <- args[2]

# name = package, data set, label, task, columns to leave out (those that
# the package's documentation says are not measurements: the package's own
# split indicator, a sample name)
tables <- list(
	credit_data  = list("modeldata", "credit_data", "Status", "class"),
	mlc_churn    = list("modeldata", "mlc_churn", "churn", "class"),
	attrition    = list("modeldata", "attrition", "Attrition", "class"),
	hpc_data     = list("modeldata", "hpc_data", "class", "class"),
	lending_club = list("modeldata", "lending_club", "Class", "class"),
	cells        = list("modeldata", "cells", "class", "class", "case"),
	spam         = list("kernlab", "spam", "type", "class"),
	pima         = list("mlbench", "PimaIndiansDiabetes", "diabetes", "class"),
	sonar        = list("mlbench", "Sonar", "Class", "class"),
	ames         = list("modeldata", "ames", "Sale_Price", "reg"),
	concrete     = list("modeldata", "concrete", "compressive_strength", "reg"),
	sacramento   = list("modeldata", "Sacramento", "price", "reg"),
	boston       = list("mlbench", "BostonHousing", "medv", "reg"),
	biomass      = list("modeldata", "biomass", "HHV", "reg", c("sample", "dataset")),
	car_prices   = list("modeldata", "car_prices", "Price", "reg")
)
t <- tables[[name]]
if (is.null(t)) {
	cat(sprintf("tables-export.R: unknown table '%s'; known: %s\n", name,
		paste(names(tables), collapse = " ")), file = stderr())
	quit(status = 2)
}
e <- new.env()
data(list = t[[2]], package = t[[1]], envir = e)
d <- as.data.frame(get(t[[2]], envir = e))
if (length(t) >= 5)
	d <- d[, setdiff(names(d), t[[5]]), drop = FALSE]
# prices in dollars: the log10, as the package's documentation models them
# (with dollars, scikit-learn's default MLPRegressor, which does not scale
# its target, reaches R^2 -3.7 on ames in 200 epochs; so does a pml user)
if (t[[3]] %in% c("Sale_Price", "price", "Price"))
	d[[t[[3]]]] <- log10(d[[t[[3]]]])
# the label last, as most CSV files out there have it
d <- d[, c(setdiff(names(d), t[[3]]), t[[3]]), drop = FALSE]

dir.create(dir, showWarnings = FALSE, recursive = TRUE)
w <- function(x, f) write.csv(x, file.path(dir, f), row.names = FALSE, na = "")
set.seed(1)
n <- nrow(d)
tr <- sort(sample.int(n, round(0.8 * n)))
w(d, "all.csv")
w(d[tr, , drop = FALSE], "train.csv")
w(d[-tr, , drop = FALSE], "test.csv")
writeLines(c(paste("label", t[[3]]), paste("task", t[[4]]), paste("rows", n),
	paste("features", ncol(d) - 1)), file.path(dir, "meta"))
