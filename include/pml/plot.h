#ifndef PML_PLOT_H
#define PML_PLOT_H
/*
 * Plain SVG pictures, written by hand (no dependency): a learning curve and
 * a confusion-matrix heatmap. Same input, same bytes: coordinates and labels
 * are formatted with integer arithmetic, so neither the locale nor the libc
 * changes the output. Text (title, class names) is XML-escaped; control
 * characters and invalid UTF-8 become '?', and names longer than 28
 * characters are cut with an ellipsis.
 *
 *     struct pml_buf svg = PML_BUF_INIT;
 *     pml_plot_confusion(&svg, "test set", m.n_class, names, m.confusion);
 *     if (pml_plot_save("cm.svg", &svg) < 0) ...
 *     pml_buf_release(&svg);
 */
#include <stddef.h>
#include <stdint.h>

#include "pml/buf.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Per-epoch series; each pointer is NULL or holds n_epoch values, and a
 * non-finite value is a gap in the line. Epochs are numbered from 1.
 */
struct pml_learning_curve {
	size_t n_epoch;
	const double *train_loss, *val_loss;
	const double *train_acc, *val_acc;  /* both NULL (regression): one panel */
	size_t kept;                /* the epoch whose weights were kept, marked in each panel; 0: none */
};

/*
 * Append an SVG document to out: the loss panel (left) and the accuracy
 * panel (right), each with axes, ticks, labels and a light grid; training
 * as solid blue lines, validation as dashed orange lines, one legend under
 * the panels; title on top (may be NULL). 800 x 420 pixels.
 */
void pml_plot_learning_curve(struct pml_buf *out, const char *title, const struct pml_learning_curve *lc);

/*
 * Append an SVG heatmap of a confusion matrix: counts[t * n_class + p] are
 * the records of true class t predicted as p. Rows are true classes (names
 * on the left), columns predicted classes (names below, slanted). A cell's
 * colour is its share of the row (white 0 to dark blue 1, i.e. recall on
 * the diagonal), with a colour scale on the right; the count is written in
 * each cell. names may be NULL ("0", "1", ...).
 */
void pml_plot_confusion(struct pml_buf *out, const char *title, size_t n_class, const char *const *names,
			const uint64_t *counts);

/*
 * Collect a learning curve epoch by epoch (pml-train --plot), then draw it.
 * Missing values are NAN (no validation set, regression accuracy).
 */
struct pml_curve {
	size_t n, m;
	double *train_loss, *val_loss, *train_acc, *val_acc;
	size_t kept;                /* the kept epoch (0: none), set before saving */
};
#define PML_CURVE_INIT { 0, 0, NULL, NULL, NULL, NULL, 0 }
void pml_curve_add(struct pml_curve *c, double train_loss, double train_acc, double val_loss,
		   double val_acc);
/* Draw and save (atomic). 0, or -1 with a message. */
int pml_curve_save_svg(const struct pml_curve *c, const char *title, const char *path);
void pml_curve_release(struct pml_curve *c);

/* Write svg to path ("-": stdout) through struct pml_out (atomic). 0 or -1 with a message. */
int pml_plot_save(const char *path, const struct pml_buf *svg);

#ifdef __cplusplus
}
#endif

#endif
