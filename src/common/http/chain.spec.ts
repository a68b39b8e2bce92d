import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { chain } from './chain';

describe('chain', () => {
  const mark =
    (name: string): RequestHandler =>
    (_req, res, next) => {
      res.append('X-Steps', name);
      next();
    };

  it('runs every handler in order, then the rest of the app', async () => {
    const app = express();
    app.use(chain(mark('a'), mark('b'), mark('c')));
    app.get('/', (_req, res) => void res.json({}));
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['x-steps']).toBe('a, b, c');
  });

  it('hands an error passed or thrown by a step to the error handler, skipping the rest', async () => {
    const failing: Record<string, RequestHandler> = {
      passed: (_req, _res, next) => next(new Error('passed')),
      thrown: () => {
        throw new Error('thrown');
      },
    };
    for (const [how, handler] of Object.entries(failing)) {
      const app = express();
      app.use(chain(mark('a'), handler, mark('never')));
      app.get('/', (_req, res) => void res.json({}));
      app.use(((err: Error, _req, res, _next) => {
        res.status(500).json({ message: err.message });
      }) as express.ErrorRequestHandler);
      const res = await request(app).get('/');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ message: how });
      expect(res.headers['x-steps']).toBe('a');
    }
  });
});
