/* gen_resources.h -- the generator's quick connects, proficiencies and tags for a generated instance. */
#ifndef CD_EMU_GEN_RESOURCES_H
#define CD_EMU_GEN_RESOURCES_H

#include <stddef.h>
#include "gen.h"
#include "result.h"

/* Writes the resources file `connect-emu serve --resources` loads (emu/emu_resources.h) for the
 * instance gen_files writes with the same opts: a pure function of (users, seed, instance id,
 * region), since the account Ids are (gen_user_id). About half of the accounts are the target
 * of a USER quick connect (a quarter of those of a second one), about two in three have one or
 * two proficiencies, about half carry Tags. Written through outfile.h (0600, temporary,
 * rename). */
enum cd_result gen_resources_write(const struct gen_opts *opts, const char *path, char *err,
				   size_t errlen);

#endif
