/* names.h -- the generator's data tables: names by origin, nicknames, look-alike names, places. */
#ifndef CD_EMU_NAMES_H
#define CD_EMU_NAMES_H

#include <stddef.h>

/* A name as "native" or "native|ascii": the ASCII romanisation is given explicitly for scripts
 * that cannot be folded mechanically (Cyrillic, Greek, CJK, Arabic is already transliterated);
 * for Latin names gen.c derives it by stripping accents. Lists are ordered most common first:
 * the generator samples them with Zipf-like weights, so the head collides and the tail does not. */
struct names_culture {
	const char *name;              /* "english", "cjk_zh", ... (for docs and tests) */
	unsigned weight;               /* share of the population, relative */
	const char *const *first;      /* NULL-terminated */
	const char *const *last;       /* NULL-terminated */
	int latin;                     /* 1: Latin script (case, typo and width variants apply) */
	int double_barrel;             /* per mille of people with a hyphenated last name */
	int native_share;              /* per cent written in native script (others use ascii) */
	const char *phone_cc;          /* mobile numbers: "+CC" then prefix digits */
	const char *phone_prefix;      /* first national digits of a mobile number */
	int phone_digits;              /* digits after the prefix */
	/* Rare surnames built from parts (Lind+qvist, Valde+rrama): the long tail of real name
	 * distributions, which a few hundred table names cannot give. NULL when none. */
	const char *const *last_pre, *const *last_suf;
	int synth_pct;                 /* per cent of surnames drawn from the parts */
	char first_join;               /* ' ' or '-' joins two given names; 0: never */
	int double_first;              /* per cent of people with two given names */
};

extern const struct names_culture names_cultures[];
extern const size_t names_ncultures;

/* Formal first name -> nickname pairs (same script), e.g. Robert/Bob, José/Pepe; non-Latin
 * entries carry their romanisation after '|' like the name lists. */
struct names_nick {
	const char *formal, *nick;
	const char *culture;           /* names_cultures[].name the formal name belongs to */
};
extern const struct names_nick names_nicks[];
extern const size_t names_nnicks;

/* Pairs of different real names one edit apart (Hansen/Hanson, Meyer/Meier): what two
 * different people look like when their names are merely similar. */
struct names_pair {
	const char *a, *b;
	int is_first;                  /* 1: first names, 0: last names */
};
extern const struct names_pair names_similar[];
extern const size_t names_nsimilar;

/* Company e-mail domains (first is the main one), team and tag values. */
extern const char *const names_domains[];
extern const size_t names_ndomains;
extern const char *const names_personal_domains[];
extern const size_t names_npersonal_domains;
extern const char *const names_departments[];
extern const size_t names_ndepartments;
extern const char *const names_sites[];
extern const size_t names_nsites;
extern const char *const names_plus_tags[];
extern const size_t names_nplus_tags;

#endif
