#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option mlgate sets. */
static inline int mlgate_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#include <git2/sys/odb_backend.h>

/* An object database backend with room for the Swift object that serves it: libgit2 hands
 * callbacks the `parent` pointer, which is also the address of the whole struct. */
typedef struct {
    git_odb_backend parent;
    void *context;
} mlgate_odb_backend;
