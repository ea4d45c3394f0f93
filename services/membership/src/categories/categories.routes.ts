import { Router } from 'express';
import type { CategoryRepository } from './category.repository.js';

/** GET /api/categories — public. */
export function categoriesRoutes(deps: { categories: CategoryRepository }): Router {
  const router = Router();
  router.get('/api/categories', async (_req, res) => {
    res.json(await deps.categories.list());
  });
  return router;
}
