/* test_normalize.c -- unit tests for text, e-mail and phone normalisation and the nickname table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect/nicknames.h"
#include "detect/normalize.h"

static void check(enum cd_result (*fn)(const char *, struct buf *), const char *in, const char *want)
{
	struct buf b = BUF_INIT(1024);
	assert_int_equal(fn(in, &b), CD_OK);
	if (strcmp(buf_str(&b), want) != 0)
		fail_msg("normalising \"%s\": got \"%s\", want \"%s\"", in, buf_str(&b), want);
	buf_release(&b);
}

static void text_table(void **state)
{
	/* accents and case */
	check(norm_text, "José MARTÍNEZ", "jose martinez");
	check(norm_text, "Zoë Ångström", "zoe angstrom");
	check(norm_text, "François Müller", "francois muller");
	/* decomposed input (e + combining acute) equals the precomposed form */
	check(norm_text, "Jose\xcc\x81", "jose");
	/* full-width letters pasted from a CJK document */
	check(norm_text, "\xef\xbc\xaa\xef\xbd\x8f\xef\xbd\x88\xef\xbd\x8e", "john");
	/* ligatures */
	check(norm_text, "\xef\xac\x81nn", "finn");          /* ﬁ */
	check(norm_text, "\xef\xac\x80" "oulkes", "ffoulkes"); /* ﬀ */
	check(norm_text, "Æsa", "aesa");
	check(norm_text, "Cœur", "coeur");
	/* German sharp s, capital and small */
	check(norm_text, "Straße", "strasse");
	check(norm_text, "STRA\xe1\xba\x9e" "E", "strasse");
	/* Turkish dotted capital I and dotless i */
	check(norm_text, "\xc4\xb0stanbul", "istanbul");
	check(norm_text, "Ayd\xc4\xb1n", "aydin");
	/* letters with no decomposition */
	check(norm_text, "Łukasz Wałęsa", "lukasz walesa");
	check(norm_text, "Søren Kierkegaard", "soren kierkegaard");
	check(norm_text, "Đorđe", "dorde");
	check(norm_text, "Þór", "thor");
	/* white space: tabs, no-break space, ideographic space, runs, ends */
	check(norm_text, "  Mary\t\xc2\xa0 Ann \xe3\x80\x80", "mary ann");
	/* ignorable characters: zero-width space, soft hyphen, BOM */
	check(norm_text, "Ma\xe2\x80\x8b" "ry\xc2\xad" "Ann\xef\xbb\xbf", "maryann");
	/* Cyrillic: case folded, kept as Cyrillic; ё loses its diaeresis */
	check(norm_text, "АЛЁНА", "алена");
	/* invalid UTF-8 never fails */
	check(norm_text, "AB\xff", "ab\xff");
	check(norm_text, "", "");
}

static void compact_form(void **state)
{
	check(norm_compact, "O'Brien-Smith", "obriensmith");
	check(norm_compact, " Mary  Ann ", "maryann");
	check(norm_compact, "Jean-Luc", "jeanluc");
	check(norm_compact, "Ｍａｒｙ　Ａｎｎ", "maryann");
	/* umlauts written out, precomposed or combining, either case; other marks still stripped */
	static const struct {
		const char *in, *want;
		int had;
	} um[] = {
		{ "Jäger-Müller", "jaegermueller", 1 },
		{ "Jaeger-Mueller", "jaegermueller", 0 },
		{ "ÖZTÜRK", "oeztuerk", 1 },
		{ "Mu\xCC\x88ller", "mueller", 1 },
		{ "José Muñoz", "josemunoz", 0 },
		{ "", "", 0 },
	};
	for (size_t i = 0; i < sizeof(um) / sizeof(um[0]); i++) {
		struct buf b = BUF_INIT(4096);
		int had = -1;
		assert_int_equal(norm_compact_umlaut(um[i].in, &b, &had), CD_OK);
		assert_string_equal(buf_str(&b), um[i].want);
		assert_int_equal(had, um[i].had);
		buf_release(&b);
	}
}

static void email_rules(void **state)
{
	check(norm_email, "John.Smith@Example.COM", "john.smith@example.com");
	check(norm_email, "john.smith+connect@example.com", "john.smith@example.com");
	check(norm_email, "John.Smith+x+y@GMail.com", "johnsmith@gmail.com");
	check(norm_email, "j.o.h.n@googlemail.com", "john@gmail.com");
	check(norm_email, " john@example.com. ", "john@example.com");
	check(norm_email, "ｊｏｈｎ@example.com", "john@example.com");
	check(norm_email, "not-an-address", "not-an-address");
	check(norm_email, "", "");
	assert_int_equal(norm_local_len("john@x.com"), 4);
	assert_int_equal(norm_local_len("john"), 4);
}

static void phone_rules(void **state)
{
	char b[64];
	assert_int_equal(norm_phone("+1 (555) 010-4477", b, sizeof(b)), 11);
	assert_string_equal(b, "+15550104477");
	assert_int_equal(norm_phone("0044 20 7946 0018", b, sizeof(b)), 12);
	assert_string_equal(b, "+442079460018");
	assert_int_equal(norm_phone("555.010.4477 ext 12", b, sizeof(b)), 10);
	assert_string_equal(b, "5550104477");
	assert_int_equal(norm_phone("+1-555-010-4477;ext=9", b, sizeof(b)), 11);
	assert_string_equal(b, "+15550104477");
	assert_int_equal(norm_phone("", b, sizeof(b)), 0);
	assert_string_equal(b, "");
	assert_int_equal(norm_phone("n/a", b, sizeof(b)), 0);
	assert_string_equal(b, "");
	/* bounded output */
	char small[4];
	norm_phone("+123456789", small, sizeof(small));
	assert_string_equal(small, "+12");
}

static void codepoints(void **state)
{
	uint32_t cp[8];
	assert_int_equal(norm_codepoints("José", cp, 8), 4);
	assert_int_equal(cp[3], 0xE9);
	assert_int_equal(norm_codepoints("abcdefghij", cp, 8), 8);
}

static void nickname_table(void **state)
{
	struct nick_table *t = NULL;
	char err[128];
	assert_int_equal(nick_table_new(&t, err, sizeof(err)), CD_OK);
	assert_true(nick_related(t, "bill", "william"));
	assert_true(nick_related(t, "bob", "robert"));
	assert_true(nick_related(t, "pepe", "jose"));
	assert_true(nick_related(t, "sasha", "alexander"));
	assert_true(nick_related(t, "саша", "aleksandr"));
	assert_true(nick_related(t, "dima", "dmitry"));
	assert_true(nick_related(t, "zeca", "jose"));   /* Portuguese line merged with Spanish */
	assert_true(nick_related(t, "peppe", "giuseppe"));
	assert_true(nick_related(t, "katja", "katharina"));
	assert_true(nick_related(t, "xiomara", "xiomara"));
	assert_false(nick_related(t, "bill", "robert"));
	assert_false(nick_related(t, "john", "mary"));
	assert_false(nick_related(t, "alexander", "alexandra")); /* different names, shared forms */
	uint32_t g[8];
	size_t n = nick_groups(t, "alex", g, 8);
	assert_true(n >= 2);
	assert_int_equal(nick_groups(t, "zzzz", g, 8), 0);
	assert_string_equal(nick_group_name(t, g[0]), nick_group_name(t, g[0]));
	nick_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_table),
		cmocka_unit_test(compact_form),
		cmocka_unit_test(email_rules),
		cmocka_unit_test(phone_rules),
		cmocka_unit_test(codepoints),
		cmocka_unit_test(nickname_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
