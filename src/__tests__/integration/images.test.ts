import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGES, multipart, type Part } from '../helpers/multipart.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: string;

beforeAll(async () => {
  t = await startTestApp({ UPLOAD_MAX_BYTES: '4096' });
  admin = await t.adminToken();
});
afterAll(() => t.close());

const upload = (petId: number, parts: Part[], token = admin) => {
  const { body, headers } = multipart(parts);
  return t.call({ method: 'POST', url: `/api/v1/pets/${petId}/uploadImage`, token, body, headers });
};
const uploads = () => readdir(join(t.dataDir, 'uploads')).catch(() => [] as string[]);

describe('uploading images', () => {
  it.each(Object.entries(IMAGES))(
    'stores a %s judged by its bytes and serves it back with its real type',
    async (kind, bytes) => {
      const pet = await createPet(t);
      const response = await upload(pet.id, [
        { name: 'additionalMetadata', value: 'front view' },
        { name: 'file', value: bytes, filename: 'photo.bin', contentType: 'application/octet-stream' },
      ]);
      expect(response.statusCode).toBe(201);
      const updated = response.json();
      expect(updated.version).toBe(2);
      expect(updated.photoUrls).toHaveLength(1);
      const image = await t.call({ method: 'GET', url: updated.photoUrls[0] });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe(`image/${kind}`);
      expect(image.rawPayload.equals(bytes)).toBe(true);
    },
  );

  it('refuses a text file named .png with 415, whatever its declared type, and stores nothing', async () => {
    const pet = await createPet(t);
    const before = await uploads();
    const response = await upload(pet.id, [
      { name: 'file', value: 'just text, not an image', filename: 'cat.png', contentType: 'image/png' },
    ]);
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await uploads()).toEqual(before);
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}` })).json().photoUrls).toEqual([]);
  });

  it('refuses a file over the limit with 413', async () => {
    const pet = await createPet(t);
    const big = Buffer.concat([IMAGES.png, Buffer.alloc(8192)]);
    const response = await upload(pet.id, [{ name: 'file', value: big, filename: 'big.png' }]);
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a second file with 413 and a missing file with 400', async () => {
    const pet = await createPet(t);
    const two = await upload(pet.id, [
      { name: 'file', value: IMAGES.png, filename: 'a.png' },
      { name: 'file', value: IMAGES.png, filename: 'b.png' },
    ]);
    expect(two.statusCode).toBe(413);
    const none = await upload(pet.id, [{ name: 'additionalMetadata', value: 'no file' }]);
    expect(none.statusCode).toBe(400);
    expect(none.json().details[0].path).toBe('file');
  });

  it('never lets a client file name touch the file system', async () => {
    const pet = await createPet(t);
    const response = await upload(pet.id, [
      { name: 'file', value: IMAGES.png, filename: '../../../../tmp/evil.png' },
    ]);
    expect(response.statusCode).toBe(201);
    const files = await uploads();
    expect(files.every((name) => /^[0-9a-f-]{36}\.(png|gif|jpg|webp)$/.test(name))).toBe(true);
    expect(files.some((name) => name.includes('evil'))).toBe(false);
  });

  it('refuses a JSON body with 415, anonymous callers with 401, customers with 403 and unknown pets with 404', async () => {
    const pet = await createPet(t);
    const json = await t.call({
      method: 'POST',
      url: `/api/v1/pets/${pet.id}/uploadImage`,
      token: admin,
      body: { file: 'x' },
    });
    expect(json.statusCode).toBe(415);
    const file = [{ name: 'file', value: IMAGES.png, filename: 'a.png' }];
    expect((await upload(pet.id, file, '')).statusCode).toBe(401);
    expect((await upload(pet.id, file, (await t.customer()).token)).statusCode).toBe(403);
    expect((await upload(999999, file)).statusCode).toBe(404);
  });

  it('answers 404 for an unknown image, or an image asked for under another pet', async () => {
    const pet = await createPet(t);
    const other = await createPet(t);
    const url = (await upload(pet.id, [{ name: 'file', value: IMAGES.gif, filename: 'a.gif' }])).json()
      .photoUrls[0];
    const imageId = url.split('/').pop();
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/pets/${other.id}/images/${imageId}` })).statusCode,
    ).toBe(404);
    const missing = await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}/images/999999` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('IMAGE_NOT_FOUND');
    expect(
      (await t.call({ method: 'GET', url: `/api/v1/pets/${pet.id}/images/..%2F..%2Fetc` })).statusCode,
    ).toBe(400);
  });

  it('removes a pet’s image files when the pet is deleted', async () => {
    const pet = await createPet(t);
    await upload(pet.id, [{ name: 'file', value: IMAGES.png, filename: 'a.png' }]);
    const before = (await uploads()).length;
    expect((await t.call({ method: 'DELETE', url: `/api/v1/pets/${pet.id}`, token: admin })).statusCode).toBe(
      204,
    );
    expect((await uploads()).length).toBe(before - 1);
  });
});
