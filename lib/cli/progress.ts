// Download progress on stderr with cli-progress: one bar per file, and nothing at all when stderr is not
// a terminal (logs and CI output stay clean).
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

import type { HubProgress } from '../hub';

export interface ProgressReporter {
  onProgress: ((p: HubProgress) => void) | undefined;
  stop(): void;
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  if (!stream.isTTY) return { onProgress: undefined, stop: () => undefined };
  const multi = new MultiBar(
    { stream, format: ' {bar} {percentage}% | {file} | {value}/{total} bytes', hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  return {
    onProgress: (p) => {
      // Unknown totals (no Content-Length) still move: the total tracks what has arrived.
      const total = p.total ?? p.loaded;
      let bar = bars.get(p.file);
      if (!bar) {
        bar = multi.create(total, 0, { file: p.file });
        bars.set(p.file, bar);
      }
      bar.setTotal(total);
      bar.update(p.loaded, { file: p.file });
    },
    stop: () => multi.stop(),
  };
}
