#ifndef MLGATE_MEMORY_TUNING_H
#define MLGATE_MEMORY_TUNING_H

/// Keeps freed blocks of up to 32 MiB in the process heap instead of returning them to the
/// kernel, so that column-sized buffers are reused rather than faulted in afresh. On the
/// virtual machines CI runs on, memory touched for the first time costs about 2.4 s per GiB.
void mlgate_retain_freed_memory(void);

#endif
