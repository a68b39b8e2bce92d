import { ApolloServer } from '@apollo/server';
import express, { json } from 'express';
import request from 'supertest';
import { graphqlHttpHandler, searchOf } from './graphql-http';

describe('searchOf', () => {
  it('is the query string with its "?", without a fragment, or empty', () => {
    expect(searchOf('/')).toBe('');
    expect(searchOf('/?query=%7Ba%7D')).toBe('?query=%7Ba%7D');
    expect(searchOf('/?a=1#frag')).toBe('?a=1');
    expect(searchOf('/#frag?no')).toBe('');
  });
});

describe('graphqlHttpHandler', () => {
  const server = new ApolloServer<{ viewer: string }>({
    typeDefs: 'type Query { hello(name: String): String, viewer: String }',
    resolvers: {
      Query: {
        hello: (_: unknown, args: { name?: string }) => `hello ${args.name ?? 'nobody'}`,
        viewer: (_: unknown, _args: unknown, ctx: { viewer: string }) => ctx.viewer,
      },
    },
    csrfPrevention: true,
  });
  const app = express();
  app.use(json());
  app.use(
    '/graphql',
    graphqlHttpHandler(server, ({ req }) => ({ viewer: req.get('x-viewer') ?? 'anonymous' })),
  );

  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('answers a POST with its body, the context built from the request, and a Content-Length', async () => {
    const res = await request(app)
      .post('/graphql')
      .set('X-Viewer', 'ada')
      .send({ query: '{ hello(name: "x") viewer }' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.body).toEqual({ data: { hello: 'hello x', viewer: 'ada' } });
  });

  it('reads a GET query from the query string (headers reach Apollo: CSRF prevention applies)', async () => {
    const query = encodeURIComponent('{ hello }');
    const blocked = await request(app).get(`/graphql?query=${query}`);
    expect(blocked.status).toBe(400);
    const allowed = await request(app)
      .get(`/graphql?query=${query}`)
      .set('Apollo-Require-Preflight', 'true');
    expect(allowed.body).toEqual({ data: { hello: 'hello nobody' } });
  });

  it("answers Apollo's own status for a POST without a body", async () => {
    const res = await request(app).post('/graphql').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
  });
});
