import { Create, NumberInput, PasswordInput, SelectInput, SimpleForm, TextInput, minLength, required } from 'react-admin';
import { roleChoices, statusChoices } from './userRecords';

export default function UserCreate() {
  return (
    <Create redirect="list">
      <SimpleForm defaultValues={{ role: 'user', status: 'enabled', quota: 0 }} sx={{ maxWidth: 480 }}>
        <TextInput source="username" validate={required()} fullWidth />
        <PasswordInput source="password" validate={[required(), minLength(8)]} fullWidth autoComplete="new-password" />
        <SelectInput source="role" choices={roleChoices} validate={required()} />
        <SelectInput source="status" choices={statusChoices} validate={required()} />
        <NumberInput source="quota" label="Starting balance" step={1} helperText="Recorded in the ledger" />
      </SimpleForm>
    </Create>
  );
}
