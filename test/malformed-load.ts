// Child process of test/malformed.test.ts: loads one model path (argv[2], a JSON string so that it may hold a NUL)
// through the native core and prints {"code", "message"} of the error, or {"loaded": true}.
import { native } from '../lib/native';

async function main(): Promise<void> {
  const modelPath = JSON.parse(process.argv[2] ?? '""') as string;
  try {
    const handle = await native().load(modelPath, { threads: 1 });
    handle.dispose();
    process.stdout.write(JSON.stringify({ loaded: true }));
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    process.stdout.write(JSON.stringify({ code, message }));
  }
}

void main();
