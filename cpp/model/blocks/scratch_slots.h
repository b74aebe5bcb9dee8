// Which ForwardScratch slot holds what during an encoder classifier's pass (embeddings, encoder, head).
#pragma once

#include <cstddef>

namespace ce::scratch_slots {

// A layer rotates kHs (input), kKvA/kKvB (keys, values; then the attention output and the layer output, written
// after attention has consumed keys and values), kQ, kCtx, kInter (one feed-forward chunk), kCls (gathered
// first-token rows); the head works in kPooled; embeddings narrower than the hidden state (ELECTRA) are built in
// kEmbed before their projection. Five hidden-state-sized buffers live at once.
enum Slot : size_t { kHs, kKvA, kKvB, kQ, kCtx, kInter, kCls, kPooled, kEmbed };

}  // namespace ce::scratch_slots
