/* u-schema: the one rule for reading a value as a column's type (pml_value_conform) and
 * records of one schema as another's (pml_schema_conform, pml_record_conform). */
#include <stdint.h>
#include <string.h>

#include "pml/schema.h"
#include "t.h"

static struct pml_value
num_i(int64_t i)
{
	struct pml_value v = { PML_INT, { 0 } };
	v.u.i = i;
	return v;
}

static struct pml_value
num_f(double f)
{
	struct pml_value v = { PML_FLOAT, { 0 } };
	v.u.f = f;
	return v;
}

/* Read in as column c; expect the kind and the reason's words (NULL: accepted). */
static void
conform(const char *what, const struct pml_column *c, struct pml_value in, const char *words,
	struct pml_value *out)
{
	char why[200] = "";
	int rc = pml_value_conform(c, &in, out, why, sizeof(why));

	if (words)
		T_OK(rc < 0 && strstr(why, words), "%s refused (%s)", what, why);
	else
		T_OK(rc == 0, "%s accepted (%s)", what, why);
}

static void
test_values(void)
{
	struct pml_column ci = { 0 }, cf = { 0 }, cb = { 0 }, cs = { 0 };
	struct pml_value out, in;

	ci.name = "n"; ci.type = PML_TYPE_INT;
	cf.name = "x"; cf.type = PML_TYPE_FLOAT;
	cb.name = "b"; cb.type = PML_TYPE_BOOL;
	cs.name = "s"; cs.type = PML_TYPE_STR;

	conform("int into float", &cf, num_i(12), NULL, &out);
	T_OK(out.kind == PML_FLOAT && out.u.f == 12.0, "int 12 reads as float 12");
	conform("2^53 into float", &cf, num_i((int64_t)1 << 53), NULL, &out);
	conform("2^53+1 into float", &cf, num_i(((int64_t)1 << 53) + 1), "expected float, got 9007199254740993: no exact float", &out);
	conform("whole float into int", &ci, num_f(20.0), NULL, &out);
	T_OK(out.kind == PML_INT && out.u.i == 20, "float 20 reads as int 20");
	conform("-0.0 into int", &ci, num_f(-0.0), NULL, &out);
	conform("fraction into int", &ci, num_f(2.5), "expected int, got 2.5: not a whole number", &out);
	conform("2^63 into int", &ci, num_f(9223372036854775808.0), "out of range", &out);
	conform("-2^63 into int", &ci, num_f(-9223372036854775808.0), NULL, &out);
	T_OK(out.u.i == INT64_MIN, "-2^63 reads exactly");
	conform("inf into int", &ci, num_f(INFINITY), "expected int, got inf: out of range", &out);
	conform("nan into int", &ci, num_f(NAN), "out of range", &out);
	conform("inf into float", &cf, num_f(INFINITY), "not finite", &out);
	conform("int 1 into bool", &cb, num_i(1), NULL, &out);
	T_OK(out.kind == PML_BOOL && out.u.b == 1, "int 1 reads as true");
	conform("float 0 into bool", &cb, num_f(0.0), NULL, &out);
	T_OK(out.kind == PML_BOOL && out.u.b == 0, "float 0 reads as false");
	conform("int 2 into bool", &cb, num_i(2), "expected bool, got 2: not 0 or 1", &out);
	in.kind = PML_BOOL;
	in.u.b = 1;
	conform("bool into float", &cf, in, "expected float, got bool", &out);
	conform("bool into int", &ci, in, "expected int, got bool", &out);
	conform("int into str", &cs, num_i(7), "expected str, got int 7", &out);
	in.kind = PML_STR;
	in.u.s.ptr = "1.5";
	in.u.s.len = 3;
	conform("str into float", &cf, in, "expected float, got str", &out);
	in.kind = PML_NIL;
	conform("nil into int", &ci, in, NULL, &out);
	T_OK(out.kind == PML_NIL, "nil stays nil");
}

static void
test_schemas(void)
{
	struct pml_schema want = PML_SCHEMA_INIT, have = PML_SCHEMA_INIT, img = PML_SCHEMA_INIT;
	struct pml_value vals[4], out[3];
	uint32_t dim[1] = { 3 };
	long map[3];
	char why[200] = "";

	pml_schema_add(&want, "CRIM", PML_TYPE_FLOAT);
	pml_schema_add(&want, "ZN", PML_TYPE_FLOAT);
	pml_schema_add(&want, "MEDV", PML_TYPE_FLOAT)->role = PML_ROLE_LABEL;
	/* another order, ZN inferred as int, an extra column, no label */
	pml_schema_add(&have, "ZN", PML_TYPE_INT);
	pml_schema_add(&have, "note", PML_TYPE_STR);
	pml_schema_add(&have, "CRIM", PML_TYPE_FLOAT);
	T_EQ_INT(pml_schema_conform(&want, &have, "the model", 1, map, why, sizeof(why)), 0,
		 "other order, int for float, extra column, no label: fits");
	T_OK(map[0] == 2 && map[1] == 0 && map[2] == -1, "map by name (%ld %ld %ld)", map[0], map[1], map[2]);
	T_OK(pml_schema_conform(&want, &have, "the chain", 0, map, why, sizeof(why)) < 0 &&
	     strstr(why, "column 'note': the records have it, the chain does not know it"),
	     "an extra column refused when not extra_ok (%s)", why);
	vals[0] = num_i(25);
	vals[1].kind = PML_STR;
	vals[1].u.s.ptr = "x";
	vals[1].u.s.len = 1;
	vals[2] = num_f(0.5);
	pml_schema_conform(&want, &have, "the model", 1, map, why, sizeof(why));
	T_EQ_INT(pml_record_conform(&want, map, vals, out, why, sizeof(why)), 0, "record read as the model's");
	T_OK(out[0].kind == PML_FLOAT && out[0].u.f == 0.5 && out[1].kind == PML_FLOAT && out[1].u.f == 25 &&
	     out[2].kind == PML_NIL, "values moved and converted, absent label nil");
	have.col[0].type = PML_TYPE_STR;
	vals[0].kind = PML_STR;
	T_OK(pml_record_conform(&want, map, vals, out, why, sizeof(why)) < 0 &&
	     !strcmp(why, "column 'ZN': expected float, got str"), "a str value refused with its column (%s)", why);
	pml_schema_release(&have);
	pml_schema_add(&have, "CRIM", PML_TYPE_FLOAT);
	T_OK(pml_schema_conform(&want, &have, "the model", 1, map, why, sizeof(why)) < 0 &&
	     !strcmp(why, "column 'ZN': the model expects it, the records have no such column"),
	     "a missing feature refused (%s)", why);
	pml_column_set_vec(pml_schema_add(&img, "img", PML_TYPE_VEC), PML_ELEM_U8, 1, dim);
	pml_schema_release(&have);
	pml_schema_add(&have, "img", PML_TYPE_FLOAT);
	T_OK(pml_schema_conform(&img, &have, "the model", 1, map, why, sizeof(why)) < 0 &&
	     !strcmp(why, "column 'img': the model expects vec u8[3], the records have float"),
	     "a float for a vec refused, the model's side first (%s)", why);
	pml_schema_release(&want);
	pml_schema_release(&have);
	pml_schema_release(&img);
}

static void
test_suggest(void)
{
	struct pml_schema s = PML_SCHEMA_INIT;
	const char *g;

	pml_schema_add(&s, "CRIM", PML_TYPE_FLOAT);
	pml_schema_add(&s, "ZN", PML_TYPE_FLOAT);
	pml_schema_add(&s, "code", PML_TYPE_STR);
	pml_schema_add(&s, "sepal_length", PML_TYPE_FLOAT);
	g = pml_schema_suggest(&s, "crim");
	T_EQ_STR(g, "CRIM", "another case");
	g = pml_schema_suggest(&s, "cdoe");
	T_EQ_STR(g, "code", "two letters swapped: one edit");
	g = pml_schema_suggest(&s, "sepal.length");
	T_EQ_STR(g, "sepal_length", "one letter changed");
	g = pml_schema_suggest(&s, "sepallength");
	T_EQ_STR(g, "sepal_length", "one letter missing");
	T_OK(pml_schema_suggest(&s, "zzzz") == NULL, "nothing near: no hint");
	T_OK(pml_schema_suggest(&s, "ab") == NULL, "a short name 2 edits away: no hint");
	T_OK(pml_schema_suggest(&s, "petal_width") == NULL, "another word: no hint");
	pml_schema_release(&s);
}

int
main(void)
{
	test_values();
	test_schemas();
	test_suggest();
	return t_done();
}
