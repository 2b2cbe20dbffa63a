import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Image files under `DATA_DIR/uploads`. Names are generated here; nothing a client sends
 * (file name, path, header) ever becomes part of a path.
 */
export class ImageStore {
  private readonly directory: string;

  constructor(dataDir: string) {
    this.directory = join(dataDir, 'uploads');
  }

  async save(bytes: Buffer, extension: string): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const fileName = `${randomUUID()}.${extension}`;
    await writeFile(join(this.directory, fileName), bytes, { flag: 'wx' });
    return fileName;
  }

  open(fileName: string): ReadStream {
    return createReadStream(join(this.directory, fileName));
  }

  async remove(fileNames: string[]): Promise<void> {
    await Promise.all(fileNames.map((fileName) => rm(join(this.directory, fileName), { force: true })));
  }
}
