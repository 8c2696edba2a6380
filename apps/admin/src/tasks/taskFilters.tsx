import { AutocompleteInput, DateTimeInput, ReferenceInput, SelectInput, TextInput } from 'react-admin';
import { statusLabel } from './StatusChip';
import { TASK_ACTIONS, TASK_STATUSES } from './taskRecords';

const statusChoices = TASK_STATUSES.map((id) => ({ id, name: statusLabel(id) }));
const actionChoices = TASK_ACTIONS.map((id) => ({ id, name: id }));

/** Filters of both task lists; channel and user only for admins (`/api/mj/`). */
export function taskFilters(isAdmin: boolean) {
  const filters = [
    <TextInput key="mj_id" source="mj_id" label="Task id" alwaysOn resettable sx={{ width: 190 }} />,
    <DateTimeInput key="start" source="start_timestamp" label="Submitted from" alwaysOn sx={{ width: 215 }} />,
    <DateTimeInput key="end" source="end_timestamp" label="Submitted until" alwaysOn sx={{ width: 215 }} />,
    <SelectInput key="status" source="status" choices={statusChoices} alwaysOn={isAdmin} sx={{ minWidth: 140 }} />,
    <AutocompleteInput key="action" source="action" choices={actionChoices} />,
  ];
  if (isAdmin) {
    filters.push(
      <ReferenceInput key="channel" source="channel_id" reference="channels" alwaysOn>
        <SelectInput label="Channel" optionText="name" sx={{ minWidth: 140 }} />
      </ReferenceInput>,
      <ReferenceInput key="user" source="user_id" reference="users">
        <AutocompleteInput label="User" optionText="username" filterToQuery={(q: string) => ({ username: q })} />
      </ReferenceInput>,
    );
  }
  return filters;
}
