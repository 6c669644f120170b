from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.merge_out import MergeOut
from ...models.merge_request import MergeRequest
from ...models.problem import Problem
from typing import cast
from uuid import UUID



def _get_kwargs(
    survivor_id: UUID,
    *,
    body: MergeRequest,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/members/{survivor_id}/merges".format(survivor_id=quote(str(survivor_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MergeOut | Problem | None:
    if response.status_code == 201:
        response_201 = MergeOut.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MergeOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    survivor_id: UUID,
    *,
    client: AuthenticatedClient,
    body: MergeRequest,
    idempotency_key: str,

) -> Response[MergeOut | Problem]:
    """ Merge Members

     Merge a duplicate into this member in one step: its open lots (each keeping its expiry), pending
    points,
    unused vouchers, identifiers, stamps and tier figures move here; both histories stay; the
    duplicate's id,
    phone and codes find this member from now on. Refused (409) while the duplicate has an open
    reservation.

    Args:
        survivor_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (MergeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MergeOut | Problem]
     """


    kwargs = _get_kwargs(
        survivor_id=survivor_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    survivor_id: UUID,
    *,
    client: AuthenticatedClient,
    body: MergeRequest,
    idempotency_key: str,

) -> MergeOut | Problem | None:
    """ Merge Members

     Merge a duplicate into this member in one step: its open lots (each keeping its expiry), pending
    points,
    unused vouchers, identifiers, stamps and tier figures move here; both histories stay; the
    duplicate's id,
    phone and codes find this member from now on. Refused (409) while the duplicate has an open
    reservation.

    Args:
        survivor_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (MergeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MergeOut | Problem
     """


    return sync_detailed(
        survivor_id=survivor_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    survivor_id: UUID,
    *,
    client: AuthenticatedClient,
    body: MergeRequest,
    idempotency_key: str,

) -> Response[MergeOut | Problem]:
    """ Merge Members

     Merge a duplicate into this member in one step: its open lots (each keeping its expiry), pending
    points,
    unused vouchers, identifiers, stamps and tier figures move here; both histories stay; the
    duplicate's id,
    phone and codes find this member from now on. Refused (409) while the duplicate has an open
    reservation.

    Args:
        survivor_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (MergeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MergeOut | Problem]
     """


    kwargs = _get_kwargs(
        survivor_id=survivor_id,
body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    survivor_id: UUID,
    *,
    client: AuthenticatedClient,
    body: MergeRequest,
    idempotency_key: str,

) -> MergeOut | Problem | None:
    """ Merge Members

     Merge a duplicate into this member in one step: its open lots (each keeping its expiry), pending
    points,
    unused vouchers, identifiers, stamps and tier figures move here; both histories stay; the
    duplicate's id,
    phone and codes find this member from now on. Refused (409) while the duplicate has an open
    reservation.

    Args:
        survivor_id (UUID):
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (MergeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MergeOut | Problem
     """


    return (await asyncio_detailed(
        survivor_id=survivor_id,
client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
