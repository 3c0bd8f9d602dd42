/* jsonw.c -- a small JSON writer for standard output: indentation, commas, escaping. */
#include "jsonw.h"

#include <math.h>
#include <time.h>

#include "jsonesc.h"

void jsonw_init(struct jsonw *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->nonempty[0] = false;
}

/* The comma, new line and indentation before a value, then its key. */
static void lead(struct jsonw *w, const char *key)
{
	if (w->depth > 0) {
		fputs(w->nonempty[w->depth] ? ",\n" : "\n", w->f);
		w->nonempty[w->depth] = true;
		fprintf(w->f, "%*s", 2 * w->depth, "");
		if (key && w->close[w->depth] == '}') {
			jsonesc_fput(w->f, key);
			fputs(": ", w->f);
		}
	}
}

static void open_(struct jsonw *w, const char *key, char open, char close)
{
	if (w->depth + 1 >= JSONW_MAX_DEPTH)
		return;
	lead(w, key);
	fputc(open, w->f);
	w->depth++;
	w->nonempty[w->depth] = false;
	w->close[w->depth] = close;
}

void jsonw_object(struct jsonw *w, const char *key) { open_(w, key, '{', '}'); }
void jsonw_array(struct jsonw *w, const char *key) { open_(w, key, '[', ']'); }

void jsonw_end(struct jsonw *w)
{
	if (w->depth == 0)
		return;
	if (w->nonempty[w->depth])
		fprintf(w->f, "\n%*s", 2 * (w->depth - 1), "");
	fputc(w->close[w->depth], w->f);
	w->depth--;
}

void jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	lead(w, key);
	if (s)
		jsonesc_fput(w->f, s);
	else
		fputs("null", w->f);
}

void jsonw_uint(struct jsonw *w, const char *key, unsigned long long v)
{
	lead(w, key);
	fprintf(w->f, "%llu", v);
}

void jsonw_int(struct jsonw *w, const char *key, long long v)
{
	lead(w, key);
	fprintf(w->f, "%lld", v);
}

void jsonw_num(struct jsonw *w, const char *key, double v)
{
	lead(w, key);
	if (isfinite(v))
		fprintf(w->f, "%.10g", v);
	else
		fputs("null", w->f);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	lead(w, key);
	fputs(v ? "true" : "false", w->f);
}

void jsonw_null(struct jsonw *w, const char *key)
{
	lead(w, key);
	fputs("null", w->f);
}

void jsonw_time(struct jsonw *w, const char *key, double t)
{
	if (t <= 0 || !isfinite(t)) {
		jsonw_null(w, key);
		return;
	}
	time_t s = (time_t)t;
	struct tm tm;
	char when[32];
	gmtime_r(&s, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_str(w, key, when);
}

void jsonw_finish(struct jsonw *w)
{
	while (w->depth > 0)
		jsonw_end(w);
	fputc('\n', w->f);
}
