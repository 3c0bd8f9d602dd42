/* emu_op.h -- the Connect operations connect-emu serves, as the service names them. */
#ifndef CD_EMU_OP_H
#define CD_EMU_OP_H

enum emu_op {
	EMU_OP_LIST_USERS = 0,
	EMU_OP_DESCRIBE_USER,
	EMU_OP_SEARCH_USERS,
	EMU_OP_LIST_INSTANCES,
	/* the remediation operations (emu/server_act.c) */
	EMU_OP_DELETE_USER,
	EMU_OP_CREATE_USER,
	EMU_OP_LIST_QUICK_CONNECTS,
	EMU_OP_DESCRIBE_QUICK_CONNECT,
	EMU_OP_DELETE_QUICK_CONNECT,
	EMU_OP_LIST_USER_PROFICIENCIES,
	EMU_OP_ASSOCIATE_USER_PROFICIENCIES,
	/* the names the reports show (emu/server_names.c) */
	EMU_OP_LIST_ROUTING_PROFILES,
	EMU_OP_LIST_SECURITY_PROFILES,
	EMU_OP_LIST_USER_HIERARCHY_GROUPS,
	EMU_OP_COUNT
};

/* Operation names exactly as in the service model ("DescribeUser"); the index is the enum. */
extern const char *const emu_op_names[EMU_OP_COUNT];

/* The operation named `name` (case-insensitive), or -1. */
int emu_op_find(const char *name, size_t len);

#endif
