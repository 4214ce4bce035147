using System.Globalization;
using Azure.Data.Tables;

namespace PaymentIntake.Payments;

/// <summary>
/// How a <see cref="PaymentMove"/> is stored: an entity in the payment's own partition of table <c>payments</c>,
/// RowKey <c>move.{sequence:D6}</c> (before the row's <c>payment</c>, so one query of the partition reads the history in
/// order). Written only by <see cref="PaymentStore"/>, in the transaction that writes the move's row. Move 1 (recorded)
/// has no entity: the row's insert is its record (<see cref="Payment.RecordedMove()"/>).
/// </summary>
internal static class PaymentMoveEntity
{
    /// <summary>The RowKey prefix of history entities.</summary>
    public const string Prefix = "move.";

    /// <summary>The first RowKey after every history entity's.</summary>
    public const string End = "move/";

    public static string RowKey(int sequence) => Prefix + sequence.ToString("D6", CultureInfo.InvariantCulture);

    public static TableEntity ToEntity(string paymentId, PaymentMove move) => new(paymentId, RowKey(move.Sequence))
    {
        ["At"] = move.At,
        ["From"] = move.From,
        ["To"] = move.To,
        ["Cause"] = move.Cause,
        ["Actor"] = move.Actor,
        ["Attempt"] = move.Attempt,
        ["VendorReference"] = move.VendorReference,
        ["Code"] = move.Code,
        ["Detail"] = move.Detail,
    };

    public static PaymentMove FromEntity(TableEntity entity) => new(
        int.Parse(entity.RowKey.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture),
        entity.GetDateTimeOffset("At") ?? default,
        entity.GetString("From"),
        entity.GetString("To") ?? "",
        entity.GetString("Cause") ?? "",
        entity.GetString("Actor") ?? "",
        entity.GetInt32("Attempt") ?? 0,
        entity.GetString("VendorReference"),
        entity.GetString("Code"),
        entity.GetString("Detail"));
}
