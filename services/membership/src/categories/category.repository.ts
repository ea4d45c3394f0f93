import type { Category } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { isDuplicateKey, type Models } from '../db/models.js';
import { DEFAULT_CATEGORIES } from './defaults.js';

export interface CategoryRepository {
  /** Inserts the default categories that are missing (idempotent; safe from several replicas at once). */
  seed(): Promise<void>;
  list(): Promise<Category[]>;
  /** The canonical name of a category given case-insensitively; VALIDATION_FAILED (at `field`) when unknown. */
  resolve(name: string, field?: string): Promise<string>;
}

export function createCategoryRepository(models: Models): CategoryRepository {
  return {
    async seed() {
      await Promise.all(
        DEFAULT_CATEGORIES.map(({ name, description }, position) =>
          models.Category.updateOne(
            { nameLower: name.toLowerCase() },
            { $setOnInsert: { name, nameLower: name.toLowerCase(), description, position } },
            { upsert: true },
          ).catch((err: unknown) => {
            if (!isDuplicateKey(err)) throw err;
          }),
        ),
      );
    },
    async list() {
      const docs = await models.Category.find({}, { name: 1, description: 1 }).sort({ position: 1, _id: 1 }).lean();
      return docs.map((d) => ({ id: d._id.toHexString(), name: d.name, description: d.description }));
    },
    async resolve(name, field = 'category') {
      const doc = await models.Category.findOne({ nameLower: name.toLowerCase() }, { name: 1 }).lean();
      if (!doc) throw new AppError('VALIDATION_FAILED', 'Unknown category', [{ path: field, message: `no category named "${name}"` }]);
      return doc.name;
    },
  };
}
