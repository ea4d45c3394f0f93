// Proves mongoose 9 works against tools/mongo-server for what Chorus needs.
// Set MONGODB_URI to run the same assertions against a real mongod instead.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import mongoose, { Schema, Types, type Connection } from 'mongoose';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMongoServer } from './index.mjs';

const EXTERNAL_URI = process.env.MONGODB_URI;
const HAS_JAVA = spawnSync('java', ['-version']).status === 0;
let uri: string;
let stopServer: () => Promise<void> = async () => {};
const open: Connection[] = [];
let dbSeq = 0;

/** A connection to a database no other test uses. */
async function freshDb(): Promise<Connection> {
  const dbName = `chorus_test_${process.pid}_${Date.now()}_${++dbSeq}`;
  const conn = await mongoose.createConnection(uri, { dbName }).asPromise();
  open.push(conn);
  return conn;
}

/** Awaits p and returns the rejection (fails the test if p resolves). */
async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  if (EXTERNAL_URI) {
    uri = EXTERNAL_URI;
  } else {
    const server = await startMongoServer();
    uri = server.uri;
    stopServer = server.stop;
  }
}, 120_000);

afterAll(async () => {
  for (const conn of open) {
    await conn.dropDatabase().catch(() => {});
    await conn.close();
  }
  await stopServer();
});

describe('unique indexes', () => {
  it('lowercased unique username rejects a case variant with E11000', async () => {
    const db = await freshDb();
    const User = db.model('User', new Schema({ username: { type: String, lowercase: true, unique: true } }));
    await User.init();
    await User.create({ username: 'Alice' });
    const err = await rejectionOf(User.create({ username: 'ALICE' }));
    expect(err.code).toBe(11000);
    expect(err.message).toContain('E11000');
    expect(await User.countDocuments()).toBe(1);
  });

  it('compound unique (serverId, userId)', async () => {
    const db = await freshDb();
    const schema = new Schema({ serverId: String, userId: String });
    schema.index({ serverId: 1, userId: 1 }, { unique: true });
    const Member = db.model('Member', schema);
    await Member.init();
    await Member.create([
      { serverId: 's1', userId: 'u1' },
      { serverId: 's1', userId: 'u2' },
      { serverId: 's2', userId: 'u1' },
    ]);
    const err = await rejectionOf(Member.create({ serverId: 's1', userId: 'u1' }));
    expect(err.code).toBe(11000);
    expect(await Member.countDocuments()).toBe(3);
  });
});

describe('history pagination on _id', () => {
  it('$lt/$gt + sort + limit pages correctly with index {channelId:1,_id:1}', async () => {
    const db = await freshDb();
    const schema = new Schema({ channelId: String, body: String });
    schema.index({ channelId: 1, _id: 1 });
    const Message = db.model('Message', schema);
    await Message.init();
    const ids: Types.ObjectId[] = [];
    const docs = [];
    for (let i = 0; i < 25; i++) {
      const _id = new Types.ObjectId();
      ids.push(_id);
      docs.push({ _id, channelId: 'A', body: `a${i}` }, { channelId: 'B', body: `b${i}` });
    }
    await Message.insertMany(docs);

    const older: string[] = [];
    const sizes: number[] = [];
    for (let before: Types.ObjectId | undefined; ;) {
      const filter = before ? { channelId: 'A', _id: { $lt: before } } : { channelId: 'A' };
      const page = await Message.find(filter).sort({ _id: -1 }).limit(10).lean();
      sizes.push(page.length);
      if (page.length === 0) break;
      older.push(...page.map((m) => m._id.toHexString()));
      before = page[page.length - 1]!._id;
    }
    expect(sizes).toEqual([10, 10, 5, 0]);
    expect(older).toEqual(ids.map((id) => id.toHexString()).reverse());

    const newer: string[] = [];
    for (let after = ids[4]!; ;) {
      const page = await Message.find({ channelId: 'A', _id: { $gt: after } })
        .sort({ _id: 1 })
        .limit(7)
        .lean();
      if (page.length === 0) break;
      newer.push(...page.map((m) => m._id.toHexString()));
      after = page[page.length - 1]!._id;
    }
    expect(newer).toEqual(ids.slice(5).map((id) => id.toHexString()));
  });
});

describe('upserts', () => {
  it('updateOne upsert with $setOnInsert', async () => {
    const db = await freshDb();
    const ReadState = db.model('ReadState', new Schema({ userId: String, channelId: String, lastRead: Number, createdAt: Date }));
    const key = { userId: 'u1', channelId: 'c1' };
    const first = await ReadState.updateOne(key, { $set: { lastRead: 1 }, $setOnInsert: { createdAt: new Date(1000) } }, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    const second = await ReadState.updateOne(key, { $set: { lastRead: 2 }, $setOnInsert: { createdAt: new Date(2000) } }, { upsert: true });
    expect(second.matchedCount).toBe(1);
    expect(second.upsertedCount).toBe(0);
    const doc = await ReadState.findOne(key).lean();
    expect(doc).toMatchObject({ lastRead: 2, createdAt: new Date(1000) });
  });

  it('findOneAndUpdate upsert with $inc and $setOnInsert returns the new doc', async () => {
    const db = await freshDb();
    const Counter = db.model('Counter', new Schema({ _id: String, seq: Number, createdAt: Date }));
    const bump = (at: number) =>
      Counter.findOneAndUpdate(
        { _id: 'chan-1' },
        { $inc: { seq: 1 }, $setOnInsert: { createdAt: new Date(at) } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
    expect(await bump(1000)).toMatchObject({ _id: 'chan-1', seq: 1, createdAt: new Date(1000) });
    expect(await bump(2000)).toMatchObject({ _id: 'chan-1', seq: 2, createdAt: new Date(1000) });
  });
});

describe('insertMany ordered:false with duplicates', () => {
  it('inserts the others and reports one 11000 per duplicate', async () => {
    const db = await freshDb();
    const Message = db.model('Message', new Schema({ channelId: String, body: String }));
    const existing = Array.from({ length: 5 }, (_, i) => ({ _id: new Types.ObjectId(), channelId: 'A', body: `old${i}` }));
    await Message.insertMany(existing);
    // A redelivered batch: 3 already stored + 7 new (history consumer after a RabbitMQ redelivery).
    const batch = [
      ...existing.slice(1, 4),
      ...Array.from({ length: 7 }, (_, i) => ({ _id: new Types.ObjectId(), channelId: 'A', body: `new${i}` })),
    ];
    const err = await rejectionOf(Message.insertMany(batch, { ordered: false }));

    expect(err.name).toBe('MongoBulkWriteError');
    expect(err.code).toBe(11000);
    expect(err.writeErrors).toHaveLength(3);
    expect(err.writeErrors.every((e: { code: number }) => e.code === 11000)).toBe(true);
    expect(err.writeErrors.map((e: { index: number }) => e.index).sort()).toEqual([0, 1, 2]);
    expect(err.insertedDocs).toHaveLength(7); // mongoose-computed: batch minus writeErrors
    expect(Object.keys(err.insertedIds)).toHaveLength(7);
    // err.result.insertedCount is not checked: mongod says 7, mongo-java-server says 10 (whole batch). Don't rely on it.
    // What the history consumer relies on: only-duplicate errors are harmless, everything is stored once.
    expect(await Message.countDocuments()).toBe(12);
  });
});

describe('queries and indexes', () => {
  it('countDocuments, deleteMany, $in, case-insensitive regex', async () => {
    const db = await freshDb();
    const User = db.model('User', new Schema({ username: String, serverId: String }));
    await User.insertMany(['alice', 'Alfred', 'bob', 'carol', 'ALINA'].map((username, i) => ({ username, serverId: `s${i % 2}` })));
    expect(await User.countDocuments({ serverId: 's0' })).toBe(3);
    expect(await User.find({ username: { $in: ['bob', 'carol', 'nobody'] } }).countDocuments()).toBe(2);
    const regex = await User.find({ username: /^al/i }).sort({ username: 1 }).lean();
    expect(regex.map((u) => u.username)).toEqual(['ALINA', 'Alfred', 'alice']);
    expect(await User.countDocuments({ username: { $regex: 'OB$', $options: 'i' } })).toBe(1);
    const del = await User.deleteMany({ serverId: 's1' });
    expect(del.deletedCount).toBe(2);
    expect(await User.countDocuments()).toBe(3);
  });

  it('syncIndexes creates declared indexes and drops undeclared ones', async () => {
    const db = await freshDb();
    const schema = new Schema({ channelId: String, username: { type: String, unique: true } });
    schema.index({ channelId: 1, _id: 1 });
    const M = db.model('Thing', schema);
    await M.init();
    await M.collection.createIndex({ stale: 1 }, { name: 'stale_1' });
    const dropped = await M.syncIndexes();
    expect(dropped).toEqual(['stale_1']);
    const names = (await M.collection.indexes()).map((i) => i.name).sort();
    expect(names).toEqual(['_id_', 'channelId_1__id_1', 'username_1']);
  });

  it('lean() reads and ObjectId round-trips', async () => {
    const db = await freshDb();
    const Message = db.model('Message', new Schema({ authorId: Schema.Types.ObjectId, body: String }));
    const authorId = new Types.ObjectId();
    const created = await Message.create({ authorId, body: 'hi' });
    const lean = await Message.findById(created._id.toHexString()).lean();
    expect(lean).not.toBeNull();
    expect(lean!._id).toBeInstanceOf(Types.ObjectId);
    expect(lean!._id.equals(created._id)).toBe(true);
    expect(lean!.authorId).toBeInstanceOf(Types.ObjectId);
    expect(lean!.authorId!.toHexString()).toBe(authorId.toHexString());
    expect(await Message.countDocuments({ authorId: authorId.toHexString() })).toBe(1);
  });
});

// Tests this tool itself, so it runs even when MONGODB_URI points elsewhere (if Java is installed).
describe.skipIf(!HAS_JAVA)('H2 --data backend', () => {
  it('persists across stop/start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-mongo-'));
    try {
      const schema = new Schema({ body: String });
      schema.index({ body: 1 }, { unique: true });
      const write = await startMongoServer({ dataDir: dir });
      const c1 = await mongoose.createConnection(write.uri, { dbName: 'persist' }).asPromise();
      const M1 = c1.model('Message', schema);
      await M1.init();
      const { _id } = await M1.create({ body: 'survives restart' });
      await c1.close();
      await write.stop();

      const read = await startMongoServer({ dataDir: dir });
      const c2 = await mongoose.createConnection(read.uri, { dbName: 'persist' }).asPromise();
      const M2 = c2.model('Message', schema);
      expect(await M2.findById(_id).lean()).toMatchObject({ body: 'survives restart' });
      const err = await rejectionOf(M2.create({ body: 'survives restart' }));
      expect(err.code).toBe(11000); // unique index survived too
      await c2.close();
      await read.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  // The launcher's own key type for unique indexes (cached bytes, ChorusMongoServer.java) must keep
  // H2's order: many keys (several B-tree pages), single and compound, refused and found again after a
  // restart, and a deleted key free again.
  it('unique indexes over many keys hold across stop/start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chorus-mongo-'));
    try {
      const schema = new Schema({ name: String, a: Number, b: Number });
      schema.index({ name: 1 }, { unique: true });
      schema.index({ a: 1, b: 1 }, { unique: true });
      const docs = Array.from({ length: 600 }, (_v, i) => ({ name: `user${i}`, a: i % 7, b: i }));
      const write = await startMongoServer({ dataDir: dir });
      const c1 = await mongoose.createConnection(write.uri, { dbName: 'many' }).asPromise();
      const M1 = c1.model('User', schema);
      await M1.init();
      await M1.insertMany(docs);
      expect((await rejectionOf(M1.create({ name: 'user599', a: 99, b: 99 }))).code).toBe(11000);
      await c1.close();
      await write.stop();

      const read = await startMongoServer({ dataDir: dir });
      const c2 = await mongoose.createConnection(read.uri, { dbName: 'many' }).asPromise();
      const M2 = c2.model('User', schema);
      for (const i of [0, 1, 299, 598, 599]) {
        expect((await rejectionOf(M2.create({ name: `user${i}`, a: 99, b: 1_000 + i }))).code).toBe(11000);
        expect((await rejectionOf(M2.create({ name: `other${i}`, a: i % 7, b: i }))).code).toBe(11000);
      }
      await M2.create({ name: 'fresh', a: 7, b: 0 });
      await M2.deleteOne({ name: 'user300' });
      await M2.create({ name: 'user300', a: 6, b: 300 }); // free again, under both indexes
      expect(await M2.countDocuments()).toBe(601);
      await c2.close();
      await read.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
