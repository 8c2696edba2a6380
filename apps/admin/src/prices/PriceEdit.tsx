import { Edit, Labeled, NumberInput, SimpleForm, TextField, minValue, required } from 'react-admin';

export default function PriceEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <SimpleForm sx={{ maxWidth: 400 }}>
        <Labeled label="Action">
          <TextField source="action" />
        </Labeled>
        <NumberInput source="quota" label="Quota per submit" step={1} validate={[required(), minValue(0)]} />
        {(['fast', 'relax', 'turbo'] as const).map((mode) => (
          <NumberInput
            key={mode}
            source={mode}
            label={`In ${mode} mode`}
            step={1}
            validate={minValue(0)}
            helperText="Empty: the price above"
          />
        ))}
      </SimpleForm>
    </Edit>
  );
}
