import { router } from '../../trpc.ts';
import { activitiesRouter } from './activities.ts';
import { boardChanges } from './board.ts';
import { contactsRouter } from './contacts.ts';
import { dealsRouter } from './deals.ts';
import { leaderboard } from './leaderboard.ts';
import { stagesRouter } from './stages.ts';

export const pipelineRouter = router({
  stages: stagesRouter,
  deals: dealsRouter,
  contacts: contactsRouter,
  activities: activitiesRouter,
  leaderboard,
  board: router({ changes: boardChanges }),
});
