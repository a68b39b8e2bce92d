import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { fillMount, reserveMount } from './reserved-mount';

const answer =
  (text: string) =>
  (_req: Request, res: Response): void => {
    res.send(text);
  };

describe('reserveMount / fillMount', () => {
  it('runs the handler filled in later where the place was reserved, before later routes', async () => {
    const app = express();
    reserveMount(app, '/graphql');
    app.post('/graphql', answer('route registered after the reservation'));
    app.post('/graphql/x', answer('route registered after the reservation'));
    fillMount(app, '/graphql', answer('reserved handler'));

    expect((await request(app).post('/graphql')).text).toBe('reserved handler');
    expect((await request(app).post('/graphql/x')).text).toBe('reserved handler');
  });

  it('passes requests on while the place is still empty, and leaves other paths alone', async () => {
    const app = express();
    reserveMount(app, '/graphql');
    app.post('/graphql', answer('later route'));
    app.post('/items', answer('items'));

    expect((await request(app).post('/graphql')).text).toBe('later route');
    fillMount(app, '/graphql', answer('reserved handler'));
    expect((await request(app).post('/items')).text).toBe('items');
  });

  it('without a reservation, mounts at the end of the router as app.use would', async () => {
    const app = express();
    app.post('/graphql', answer('earlier route'));
    fillMount(app, '/graphql', answer('filled handler'));

    expect((await request(app).post('/graphql')).text).toBe('earlier route');
    expect((await request(app).get('/graphql')).text).toBe('filled handler');
  });
});
